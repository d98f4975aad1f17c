/**
 * Ops that move the data's axes without touching its values: Transpose, Flatten and Reshape.
 * They matter for the layout: a dense layer must find the features where it expects them, and a
 * reshape must keep one sample per row (before the first layer) or the features of each sample
 * together (after it). Shapes are symbolic: a dimension is a number or a name such as 'batch'.
 */
import { attrInt, attrInts, hasAttr } from './attributes.ts';
import type { ChainStep } from './chainStep.ts';
import { quote, SUPPORTED } from './errors.ts';
import { intsOf } from './fold.ts';
import { divide, formatShape, isKnown, prodToDim, product, sameProduct, type Dim } from './symbolic.ts';
import type { DataInfo } from './values.ts';

/** Transpose of the data: Spinscope follows swaps of the last two axes, which turn row layout into column layout and back. */
export function transposeData(step: ChainStep): DataInfo {
  const { node, label, data: info } = step;
  const s = info.shape;
  const perm = attrInts(node, 'perm');
  const swap: DataInfo = { shape: s, layout: info.layout === 'row' ? 'col' : 'row' };
  if (!s) {
    if (perm && perm.every((x, k) => x === k)) return info;
    if (!perm || (perm.length === 2 && perm[0] === 1 && perm[1] === 0)) return swap;
    step.fail(`${label} permutes data of unknown rank with perm [${perm.join(', ')}]`);
  }
  const r = s.length;
  const p = perm ?? s.map((_, k) => r - 1 - k);
  if (p.length !== r || new Set(p).size !== r || p.some((x) => x < 0 || x >= r)) {
    step.fail(`${label} has perm [${p.join(', ')}], not a permutation of the data's ${r} axes`);
  }
  if (p.every((x, k) => x === k)) return info;
  const swapsLastTwo =
    r >= 2 && p[r - 2] === r - 1 && p[r - 1] === r - 2 && p.slice(0, r - 2).every((x, k) => x === k);
  if (!swapsLastTwo) {
    step.fail(
      `${label} permutes the data's axes with perm [${p.join(', ')}] (shape ${formatShape(s)}); ` +
        'Spinscope follows only transposes that swap the last two axes',
    );
  }
  const shape = s.slice();
  shape[r - 2] = s[r - 1];
  shape[r - 1] = s[r - 2];
  return { shape, layout: swap.layout };
}

/** Flatten or Reshape of the data, which must be [batch, features] (row layout) before and after. */
export function reshapeData(step: ChainStep): DataInfo {
  const { node, label, dataInput: di, data: info, draft } = step;
  if (di !== 0) step.fail(`${label} takes the data as its shape input; ${SUPPORTED}`);
  const s = info.shape;
  if (info.layout === 'col' && s?.length !== 1) {
    step.fail(
      `${label} reshapes transposed data (features × batch); Spinscope needs [batch, features] data there`,
    );
  }
  let out: Dim[] | null = null;
  if (node.opType === 'Flatten') {
    const axis = attrInt(node, 'axis', 1);
    if (s) {
      const a = axis < 0 ? axis + s.length : axis;
      if (a < 0 || a > s.length)
        step.fail(`${label} has axis ${axis}, out of range for shape ${formatShape(s)}`);
      out = [prodToDim(product(s.slice(0, a)), step.fresh), prodToDim(product(s.slice(a)), step.fresh)];
    }
  } else {
    const target = reshapeTarget(step);
    if (target) out = reshapedShape(step, s, target, attrInt(node, 'allowzero', 0) === 1);
  }
  if (s && out) {
    if (out.length === 0) step.fail(`${label} turns the data into a scalar`);
    const outLast = product([out[out.length - 1]]);
    const expected =
      draft.layers.length === 0
        ? product(s.length <= 1 ? s : s.slice(1))
        : product(s.length === 0 ? [] : [s[s.length - 1]]);
    if (sameProduct(outLast, expected) === false) {
      step.fail(
        `${label} turns shape ${formatShape(s)} into ${formatShape(out)}, which ` +
          (draft.layers.length === 0
            ? 'does not keep one sample per row'
            : 'mixes the features of different samples') +
          '; Spinscope needs [batch, features] data',
      );
    }
  }
  return { shape: out, layout: 'row' };
}

/** The target of a Reshape: a constant, or a shape side branch (symbolic); null if unknown. */
function reshapeTarget(step: ChainStep): Dim[] | null {
  const { node, label } = step;
  if (hasAttr(node, 'shape')) return attrInts(node, 'shape') ?? [];
  const name = node.inputs[1];
  if (!name) step.fail(`${label} has no shape input`);
  const slot = step.slot(name);
  if (slot.kind === 'data') step.fail(`${label} takes its shape from the data's values; ${SUPPORTED}`);
  if (slot.kind === 'const') {
    const t = step.constant(name, 'shape');
    try {
      return intsOf({ t }, 'shape');
    } catch (e) {
      step.fail(`${label}: its shape ${quote(name)} ${(e as Error).message}`);
    }
  }
  if (slot.error) {
    if (slot.fatal) {
      step.fail(
        `${label}: its shape comes from a side branch Spinscope cannot evaluate (${slot.error.message}); ${SUPPORTED}`,
      );
    }
    step.warnings.push(
      `${label}: its target shape is unknown (${slot.error.message}); assuming it keeps the samples`,
    );
    return null;
  }
  const v = slot.value!;
  if (v.t) return Array.from(v.t.data);
  if (v.s!.dims.length !== 1) step.fail(`${label}: its shape input is not a vector`);
  return v.s!.vals.slice();
}

/** The data's shape after Reshape to `target` (0 copies the input dim unless allowzero, -1 is inferred). */
function reshapedShape(step: ChainStep, s: Dim[] | null, target: Dim[], allowZero: boolean): Dim[] {
  const label = step.label;
  const out = target.map((t, k): Dim => {
    if (t === 0 && !allowZero) {
      if (!s) return step.fresh.next();
      if (k >= s.length) step.fail(`${label}: target dimension ${k} is 0 but the data has rank ${s.length}`);
      return s[k];
    }
    if (typeof t === 'number' && (t < -1 || !Number.isSafeInteger(t))) {
      step.fail(`${label} has an invalid target shape [${target.join(', ')}]`);
    }
    return t;
  });
  const minus = out.filter((d) => d === -1).length;
  if (minus > 1) step.fail(`${label} has more than one -1 in its target shape`);
  if (minus === 1) {
    const k = out.indexOf(-1);
    const rest = out.filter((_, j) => j !== k);
    const q = s ? divide(product(s), product(rest)) : null;
    out[k] = q ? prodToDim(q, step.fresh) : step.fresh.next();
    if (s && !q && rest.every(isKnown) && s.every(isKnown)) {
      step.fail(`${label} cannot reshape ${formatShape(s)} to [${target.join(', ')}]`);
    }
  } else if (s && sameProduct(product(s), product(out)) === false) {
    step.fail(`${label} cannot reshape ${formatShape(s)} to ${formatShape(out)}: the sizes differ`);
  }
  return out;
}
