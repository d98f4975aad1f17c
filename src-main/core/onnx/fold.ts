/**
 * Evaluation of the parts of a graph that do not depend on the data's values:
 *  - constant sub-expressions (weight Transposes, Constant nodes, shape arithmetic on constants);
 *  - shape side branches (PyTorch's x.view(x.size(0), -1): Shape → Gather → Unsqueeze → Concat),
 *    whose elements are symbolic dimensions (numbers or names such as 'batch').
 * Structural ops work on both; arithmetic on symbols gives an unknown dimension. Every result is
 * bounded by MAX_ELEMENTS and a per-model budget, so hostile graphs cannot make us allocate or
 * loop without bound.
 */
import { attr, attrFloat, attrInt, attrInts, hasAttr } from './attributes.ts';
import type { NodeProto } from './proto.ts';
import { Fresh, type Dim } from './symbolic.ts';
import {
  DataType,
  dataTypeName,
  isFloatType,
  isSinglePrecision,
  MAX_ELEMENTS,
  roundHalf,
  type Tensor,
} from './tensor.ts';

/** A tensor whose elements are symbolic dimensions (a shape side branch). */
export interface SymTensor {
  readonly dims: readonly number[];
  readonly vals: readonly Dim[];
}

export type Folded =
  { readonly t: Tensor; readonly s?: undefined } | { readonly s: SymTensor; readonly t?: undefined };

/** A reason the value cannot be computed; the reader reports it only if the value is needed. */
export class FoldError extends Error {
  override name = 'FoldError';
}

export interface FoldContext {
  /** Elements that may still be produced by folding (shared across a model). */
  budget: number;
  fresh: Fresh;
  opset: number;
  /** Decodes the tensor of a Constant node's 'value' attribute. */
  decode(node: NodeProto): Tensor;
}

type Elems = Float32Array | Float64Array | Dim[];

/** Ops the folder knows (anything else in a constant or shape branch cannot be evaluated). */
export const FOLDABLE_OPS = [
  'Constant',
  'Identity',
  'Cast',
  'Transpose',
  'Reshape',
  'Flatten',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Gather',
  'Slice',
  'Shape',
  'Size',
  'Neg',
  'Add',
  'Sub',
  'Mul',
  'Div',
];

function count(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function alloc(like: Elems, n: number): Elems {
  if (like instanceof Float32Array) return new Float32Array(n);
  if (like instanceof Float64Array) return new Float64Array(n);
  return new Array<Dim>(n).fill(0);
}

function elems(v: Folded): Elems {
  return v.t ? v.t.data : (v.s!.vals as Dim[]);
}

function dimsOf(v: Folded): readonly number[] {
  return v.t ? v.t.dims : v.s!.dims;
}

function rebuild(like: Folded, dims: readonly number[], data: Elems): Folded {
  if (like.t)
    return {
      t: { dims: dims.slice(), dataType: like.t.dataType, data: data as Float32Array | Float64Array },
    };
  return { s: { dims: dims.slice(), vals: data as Dim[] } };
}

function spend(ctx: FoldContext, n: number, op: string): void {
  if (n > MAX_ELEMENTS || n > ctx.budget) {
    throw new FoldError(
      `${op} would produce ${n} values, beyond the ${MAX_ELEMENTS}-value limit for constants`,
    );
  }
  ctx.budget -= n;
}

/** Longest integer parameter (axes, perm, indices, shape) the folder reads. */
const MAX_PARAMETER_VALUES = 1 << 20;

/** Integer values of a parameter input (axes, perm, indices, shape): constant or fully known. */
export function intsOf(v: Folded | null | undefined, what: string): number[] {
  if (!v) throw new FoldError(`${what} is missing`);
  const n = v.t ? v.t.data.length : v.s!.vals.length;
  if (n > MAX_PARAMETER_VALUES) throw new FoldError(`${what} has ${n} values, more than Spinscope evaluates`);
  if (v.t) {
    if (isFloatType(v.t.dataType))
      throw new FoldError(`${what} has element type ${dataTypeName(v.t.dataType)}, expected integers`);
    return Array.from(v.t.data);
  }
  return v.s!.vals.map((d) => {
    if (typeof d !== 'number') throw new FoldError(`${what} depends on the unknown dimension ${d}`);
    return d;
  });
}

function normAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank)
    throw new FoldError(`${op}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

export function transposeElems(
  src: Elems,
  dims: readonly number[],
  perm: readonly number[],
): { dims: number[]; data: Elems } {
  const r = dims.length;
  if (
    perm.length !== r ||
    new Set(perm).size !== r ||
    perm.some((p) => !Number.isInteger(p) || p < 0 || p >= r)
  ) {
    throw new FoldError(`Transpose: perm [${perm.join(', ')}] is not a permutation of ${r} axes`);
  }
  const outDims = perm.map((p) => dims[p]);
  const n = count(dims);
  const out = alloc(src, n);
  const inStr = strides(dims);
  if (r === 2 && perm[0] === 1) {
    const [a, b] = dims;
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[j * a + i] = src[i * b + j];
    return { dims: outDims, data: out };
  }
  const srcStr = perm.map((p) => inStr[p]);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let s = 0;
    for (let k = 0; k < r; k++) s += idx[k] * srcStr[k];
    out[o] = src[s];
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k] < outDims[k]) break;
      idx[k] = 0;
    }
  }
  return { dims: outDims, data: out };
}

/** Output dims of Reshape (0 copies the input dim unless allowzero, -1 is inferred). */
export function reshapeDims(
  inDims: readonly number[],
  target: readonly number[],
  allowZero: boolean,
): number[] {
  const out = target.map((t, i) => {
    if (t === 0 && !allowZero) {
      if (i >= inDims.length)
        throw new FoldError(`Reshape: target dimension ${i} is 0 but the input has rank ${inDims.length}`);
      return inDims[i];
    }
    return t;
  });
  const minus = out.filter((d) => d === -1).length;
  if (minus > 1 || out.some((d) => d < -1 || !Number.isSafeInteger(d))) {
    throw new FoldError(`Reshape: invalid target shape [${target.join(', ')}]`);
  }
  const total = count(inDims);
  if (minus === 1) {
    const known = count(out.filter((d) => d !== -1));
    if (known === 0 || total % known !== 0)
      throw new FoldError(`Reshape: cannot reshape [${inDims.join(', ')}] to [${target.join(', ')}]`);
    out[out.indexOf(-1)] = total / known;
  }
  if (count(out) !== total)
    throw new FoldError(`Reshape: cannot reshape [${inDims.join(', ')}] to [${target.join(', ')}]`);
  return out;
}

/** Unsqueeze/Squeeze axes: attribute before opset 13, input 1 from 13. */
function axesOf(node: NodeProto, inputs: (Folded | null)[]): number[] | undefined {
  if (hasAttr(node, 'axes')) return attrInts(node, 'axes');
  if (inputs[1]) return intsOf(inputs[1], `${node.opType} axes`);
  return undefined;
}

function castTo(v: Folded, to: number, ctx: FoldContext): Folded {
  if (v.s) return v; // shape values are integers whatever they are cast to
  const t = v.t!;
  const n = t.data.length;
  spend(ctx, n, 'Cast');
  if (isFloatType(to)) {
    const out = isSinglePrecision(to) ? new Float32Array(t.data) : new Float64Array(t.data);
    if (to === DataType.FLOAT16) for (let i = 0; i < n; i++) out[i] = roundHalf(out[i]);
    return { t: { dims: t.dims.slice(), dataType: to, data: out } };
  }
  if (to === DataType.BOOL) {
    return {
      t: { dims: t.dims.slice(), dataType: to, data: Float64Array.from(t.data, (x) => (x !== 0 ? 1 : 0)) },
    };
  }
  if (to >= 2 && to <= 13 && to !== DataType.STRING) {
    const out = Float64Array.from(t.data, (x) => Math.trunc(x));
    if (out.some((x) => !Number.isSafeInteger(x)))
      throw new FoldError('Cast: a value does not fit an integer');
    return { t: { dims: t.dims.slice(), dataType: to, data: out } };
  }
  throw new FoldError(`Cast to ${dataTypeName(to)} is not supported`);
}

function binary(op: string, a: Folded, b: Folded, ctx: FoldContext): Folded {
  const da = dimsOf(a);
  const db = dimsOf(b);
  const r = Math.max(da.length, db.length);
  const out: number[] = [];
  for (let k = 0; k < r; k++) {
    const x = da[da.length - r + k] ?? 1;
    const y = db[db.length - r + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new FoldError(`${op}: shapes [${da.join(', ')}] and [${db.join(', ')}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  const n = count(out);
  spend(ctx, n, op);
  const ea = elems(a);
  const eb = elems(b);
  const sa = broadcastStrides(da, r, out);
  const sb = broadcastStrides(db, r, out);
  const sym = !!(a.s || b.s);
  const like: Folded = sym ? { s: { dims: [], vals: [] } } : a;
  const res = sym ? new Array<Dim>(n) : alloc(ea, n);
  const intType = !sym && !isFloatType(a.t!.dataType);
  const half = !sym && a.t!.dataType === DataType.FLOAT16;
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let ia = 0;
    let ib = 0;
    for (let k = 0; k < r; k++) {
      ia += idx[k] * sa[k];
      ib += idx[k] * sb[k];
    }
    const x = ea[ia];
    const y = eb[ib];
    let v: Dim;
    if (typeof x === 'number' && typeof y === 'number') {
      v = op === 'Add' ? x + y : op === 'Sub' ? x - y : op === 'Mul' ? x * y : x / y;
      if ((intType || sym) && op === 'Div') {
        if (y === 0) throw new FoldError('Div: integer division by zero');
        v = Math.trunc(v);
      }
      if (half) v = roundHalf(v);
    } else if (op === 'Mul' && (x === 1 || y === 1)) {
      v = x === 1 ? y : x;
    } else if ((op === 'Add' || op === 'Sub') && y === 0) {
      v = x;
    } else if (op === 'Div' && y === 1) {
      v = x;
    } else {
      v = ctx.fresh.next();
    }
    res[o] = v;
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k] < out[k]) break;
      idx[k] = 0;
    }
  }
  return rebuild(like, out, res);
}

function broadcastStrides(d: readonly number[], r: number, out: readonly number[]): number[] {
  const full = new Array<number>(r - d.length).fill(1).concat(d);
  const s = strides(full);
  return s.map((x, k) => (full[k] === 1 && out[k] !== 1 ? 0 : x));
}

/**
 * Evaluates one node whose inputs are all constant or shape values. `inputs[i]` is null for an
 * absent optional input. `dataShape` gives the data's shape for Shape/Size of the data.
 */
export function foldNode(node: NodeProto, inputs: (Folded | null)[], ctx: FoldContext): Folded {
  const op = node.opType;
  if (node.domain !== '' && node.domain !== 'ai.onnx')
    throw new FoldError(`operator domain '${node.domain}' is not supported`);
  const x = inputs[0];
  const need = (): Folded => {
    if (!x) throw new FoldError(`${op} has no input`);
    return x;
  };
  switch (op) {
    case 'Constant':
      return { t: constantValue(node, ctx) };
    case 'Identity':
      return need();
    case 'Cast':
      return castTo(need(), attrInt(node, 'to', 0), ctx);
    case 'Neg':
      return binary(
        'Mul',
        need(),
        { t: { dims: [], dataType: need().t?.dataType ?? DataType.INT64, data: new Float64Array([-1]) } },
        ctx,
      );
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const b = inputs[1];
      if (!b) throw new FoldError(`${op} needs two inputs`);
      return binary(op, need(), b, ctx);
    }
    case 'Transpose': {
      const v = need();
      const d = dimsOf(v);
      const perm = attrInts(node, 'perm') ?? d.map((_, i) => d.length - 1 - i);
      spend(ctx, count(d), op);
      const r = transposeElems(elems(v), d, perm);
      return rebuild(v, r.dims, r.data);
    }
    case 'Reshape': {
      const v = need();
      const target = hasAttr(node, 'shape')
        ? (attrInts(node, 'shape') ?? [])
        : intsOf(inputs[1], 'Reshape shape');
      return rebuild(v, reshapeDims(dimsOf(v), target, attrInt(node, 'allowzero', 0) === 1), elems(v));
    }
    case 'Flatten': {
      const v = need();
      const d = dimsOf(v);
      const axis = attrInt(node, 'axis', 1);
      const a = axis < 0 ? axis + d.length : axis;
      if (a < 0 || a > d.length) throw new FoldError(`Flatten: axis ${axis} is out of range`);
      return rebuild(v, [count(d.slice(0, a)), count(d.slice(a))], elems(v));
    }
    case 'Unsqueeze': {
      const v = need();
      const d = dimsOf(v);
      const axes = axesOf(node, inputs);
      if (!axes) throw new FoldError('Unsqueeze has no axes');
      const r = d.length + axes.length;
      const norm = axes.map((a) => normAxis(a, r, op));
      if (new Set(norm).size !== norm.length) throw new FoldError('Unsqueeze: repeated axis');
      const out: number[] = [];
      let k = 0;
      for (let i = 0; i < r; i++) out.push(norm.includes(i) ? 1 : d[k++]);
      return rebuild(v, out, elems(v));
    }
    case 'Squeeze': {
      const v = need();
      const d = dimsOf(v);
      const axes = axesOf(node, inputs);
      const norm = axes
        ? axes.map((a) => normAxis(a, d.length, op))
        : d.flatMap((n, i) => (n === 1 ? [i] : []));
      if (norm.some((a) => d[a] !== 1)) throw new FoldError('Squeeze: an axis is not of size 1');
      return rebuild(
        v,
        d.filter((_, i) => !norm.includes(i)),
        elems(v),
      );
    }
    case 'Concat': {
      // Scalars are taken as 1-D (lenient, as numpy's atleast_1d).
      const parts = inputs
        .filter((p): p is Folded => p !== null)
        .map((p) => (dimsOf(p).length === 0 ? rebuild(p, [1], elems(p)) : p));
      if (parts.length === 0) throw new FoldError('Concat has no inputs');
      const sym = parts.some((p) => p.s);
      const first = parts[0];
      const d0 = dimsOf(first);
      const axis = normAxis(attrInt(node, 'axis', 0), d0.length, op);
      const rows = count(d0.slice(0, axis));
      const outDims = d0.slice();
      let total = 0;
      for (const p of parts) {
        const d = dimsOf(p);
        if (d.length !== d0.length || d.some((n, i) => i !== axis && n !== d0[i])) {
          throw new FoldError(`Concat: shapes [${d0.join(', ')}] and [${d.join(', ')}] do not match`);
        }
        total += d[axis];
      }
      outDims[axis] = total;
      const n = count(outDims);
      spend(ctx, n, op);
      const like: Folded = sym ? { s: { dims: [], vals: [] } } : first;
      const out = sym ? new Array<Dim>(n) : alloc(elems(first), n);
      let o = 0;
      for (let r = 0; r < rows; r++) {
        for (const p of parts) {
          const e = elems(p);
          const block = count(dimsOf(p).slice(axis));
          for (let i = 0; i < block; i++) out[o++] = e[r * block + i];
        }
      }
      return rebuild(like, outDims, out);
    }
    case 'Gather': {
      const v = need();
      const d = dimsOf(v);
      const ind = inputs[1];
      const idx = intsOf(ind, 'Gather indices');
      const idxDims = dimsOf(ind!);
      const axis = normAxis(attrInt(node, 'axis', 0), d.length, op);
      const outer = count(d.slice(0, axis));
      const inner = count(d.slice(axis + 1));
      const outDims = [...d.slice(0, axis), ...idxDims, ...d.slice(axis + 1)];
      const n = count(outDims);
      spend(ctx, n, op);
      const src = elems(v);
      const out = alloc(src, n);
      let o = 0;
      for (let a = 0; a < outer; a++) {
        for (const raw of idx) {
          const j = raw < 0 ? raw + d[axis] : raw;
          if (j < 0 || j >= d[axis])
            throw new FoldError(`Gather: index ${raw} is out of range for size ${d[axis]}`);
          const base = (a * d[axis] + j) * inner;
          for (let i = 0; i < inner; i++) out[o++] = src[base + i];
        }
      }
      return rebuild(v, outDims, out);
    }
    case 'Slice': {
      const v = need();
      const d = dimsOf(v);
      let starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined;
      if (ctx.opset < 10 || hasAttr(node, 'starts')) {
        starts = attrInts(node, 'starts') ?? [];
        ends = attrInts(node, 'ends') ?? [];
        axes = attrInts(node, 'axes');
      } else {
        starts = intsOf(inputs[1], 'Slice starts');
        ends = intsOf(inputs[2], 'Slice ends');
        axes = inputs[3] ? intsOf(inputs[3], 'Slice axes') : undefined;
        steps = inputs[4] ? intsOf(inputs[4], 'Slice steps') : undefined;
      }
      if (d.length !== 1) throw new FoldError('Slice is only evaluated on 1-D values');
      if (
        starts.length !== 1 ||
        ends.length !== 1 ||
        (axes && (axes.length !== 1 || normAxis(axes[0], 1, op) !== 0))
      ) {
        throw new FoldError('Slice is only evaluated along axis 0');
      }
      const step = steps?.[0] ?? 1;
      if (step !== 1) throw new FoldError('Slice with a step other than 1 is not evaluated');
      const len = d[0];
      const clamp = (s: number): number => Math.min(len, Math.max(0, s < 0 ? s + len : s));
      const s0 = clamp(starts[0]);
      const e0 = Math.max(s0, clamp(ends[0]));
      const src = elems(v);
      return rebuild(v, [e0 - s0], src.slice(s0, e0) as Elems);
    }
    case 'Shape': {
      const v = need();
      const d = dimsOf(v);
      const s = sliceShape(d, node);
      return { t: { dims: [s.length], dataType: DataType.INT64, data: Float64Array.from(s) } };
    }
    case 'Size':
      return { t: { dims: [], dataType: DataType.INT64, data: new Float64Array([count(dimsOf(need()))]) } };
    default:
      throw new FoldError(`${op} cannot be evaluated (Spinscope folds ${FOLDABLE_OPS.join(', ')})`);
  }
}

/** Shape's optional start/end attributes (opset 15). */
export function sliceShape<T>(shape: readonly T[], node: NodeProto): T[] {
  const r = shape.length;
  const clamp = (s: number): number => Math.min(r, Math.max(0, s < 0 ? s + r : s));
  const start = clamp(attrInt(node, 'start', 0));
  const end = hasAttr(node, 'end') ? clamp(attrInt(node, 'end', r)) : r;
  return shape.slice(start, Math.max(start, end));
}

/** The value of a Constant node (value, value_float(s), value_int(s)). */
function constantValue(node: NodeProto, ctx: FoldContext): Tensor {
  if (attr(node, 'value')) return ctx.decode(node);
  const vf = attr(node, 'value_float');
  if (vf)
    return {
      dims: [],
      dataType: DataType.FLOAT,
      data: new Float32Array([attrFloat(node, 'value_float', 0)]),
    };
  const vfs = attr(node, 'value_floats');
  if (vfs)
    return { dims: [vfs.floats.length], dataType: DataType.FLOAT, data: Float32Array.from(vfs.floats) };
  const vi = attr(node, 'value_int');
  if (vi)
    return { dims: [], dataType: DataType.INT64, data: new Float64Array([attrInt(node, 'value_int', 0)]) };
  const vis = attr(node, 'value_ints');
  if (vis) return { dims: [vis.ints.length], dataType: DataType.INT64, data: Float64Array.from(vis.ints) };
  const kinds = node.attributes.map((a) => a.name).join(', ') || 'none';
  throw new FoldError(
    `Constant with attribute ${kinds} is not supported (only value, value_float(s), value_int(s))`,
  );
}
