/**
 * A plain float64 MLP in JavaScript loops: the independent reference for the training graph.
 * Same conventions as core/train/graph.ts (weights [in, out], batch-mean losses), written
 * directly from the definitions rather than from the graph code.
 */
export interface RefSpec {
  arch: number[];
  activation: 'relu' | 'tanh' | 'sign';
  bias: boolean;
  loss: 'ce' | 'hinge';
}

export type Params = Map<string, Float64Array>;

/**
 * For sign networks the loss is piecewise constant; the straight-through gradient is the exact
 * gradient of the surrogate in which each hidden unit is frozen to its linearisation at the
 * reference point: h = sign(a₀) + 1{|a₀| ≤ 1}·(a − a₀). `frozen` holds a₀ per hidden layer.
 */
export type Frozen = Float64Array[] | null;

export function preActivations(spec: RefSpec, p: Params, x: Float64Array, n: number): Float64Array[] {
  const pre: Float64Array[] = [];
  let h: Float64Array = x;
  const L = spec.arch.length - 1;
  for (let k = 1; k <= L; k++) {
    const a = affine(spec, p, k, h, n);
    pre.push(a);
    if (k < L) h = a.map((v) => act(spec.activation, v));
  }
  return pre;
}

function affine(spec: RefSpec, p: Params, k: number, h: Float64Array, n: number): Float64Array {
  const nin = spec.arch[k - 1];
  const nout = spec.arch[k];
  const w = p.get(`w${k}`)!;
  const b = spec.bias ? p.get(`b${k}`)! : null;
  const a = new Float64Array(n * nout);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < nout; j++) {
      let s = b ? b[j] : 0;
      for (let i = 0; i < nin; i++) s += h[r * nin + i] * w[i * nout + j];
      a[r * nout + j] = s;
    }
  return a;
}

function act(kind: RefSpec['activation'], v: number): number {
  if (kind === 'relu') return v > 0 ? v : 0;
  if (kind === 'tanh') return Math.tanh(v);
  return Math.sign(v);
}

/** Batch-mean loss; y one-hot [n, classes]. */
export function loss(
  spec: RefSpec,
  p: Params,
  x: Float64Array,
  y: Float64Array,
  n: number,
  frozen: Frozen = null,
): number {
  let h: Float64Array = x;
  const L = spec.arch.length - 1;
  let z: Float64Array = new Float64Array(0);
  for (let k = 1; k <= L; k++) {
    const a = affine(spec, p, k, h, n);
    if (k === L) z = a;
    else if (frozen) {
      const a0 = frozen[k - 1];
      h = a.map((v, i) => Math.sign(a0[i]) + (Math.abs(a0[i]) <= 1 ? v - a0[i] : 0));
    } else h = a.map((v) => act(spec.activation, v));
  }
  const c = spec.arch[L];
  let total = 0;
  for (let r = 0; r < n; r++) {
    const row = z.subarray(r * c, (r + 1) * c);
    const yr = y.subarray(r * c, (r + 1) * c);
    if (spec.loss === 'ce') {
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      for (let j = 0; j < c; j++) total -= yr[j] * (row[j] - lse);
    } else {
      for (let j = 0; j < c; j++) {
        const t = 2 * yr[j] - 1;
        const m = Math.max(0, 1 - t * row[j]);
        total += m * m;
      }
    }
  }
  return total / n;
}
