/**
 * The dense layers: Gemm, MatMul, and the Add that gives the layer just read its bias.
 *
 * Orientation: Gemm(transB=1) stores [out, in], MatMul(x, W) stores [in, out], MatMul(W, x) on
 * column-layout data (features × batch) stores [out, in]. Every weight ends up [in, out].
 */
import type { WeightArray } from '../network/network.ts';
import { attrFloat, attrInt } from './attributes.ts';
import type { ChainStep, WeightOrientation } from './chainStep.ts';
import { quote, SUPPORTED } from './errors.ts';
import { formatShape, isKnown, type Dim } from './symbolic.ts';
import { isSinglePrecision, type Tensor } from './tensor.ts';
import type { DataInfo } from './values.ts';

/** Gemm: alpha·A·B + beta·C, with the data as A (x·W) or as B (W·x). */
export function gemm(step: ChainStep): DataInfo {
  const { node, label, dataInput: di, data: info } = step;
  const transA = attrInt(node, 'transA', 0);
  const transB = attrInt(node, 'transB', 0);
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  if (!Number.isFinite(alpha) || !Number.isFinite(beta))
    step.fail(`${label} has alpha=${alpha}, beta=${beta}`);
  if (di === 2)
    step.fail(`${label} uses ${step.origin(node.inputs[di])} as its bias C: not a dense layer; ${SUPPORTED}`);
  const s = info.shape;
  if (s && s.length !== 2) step.fail(`${label} needs 2-D data but gets shape ${formatShape(s)}`);
  let weight: WeightArray;
  let nIn: number;
  let nOut: number;
  let next: DataInfo;
  let stored: WeightOrientation;
  if (di === 0) {
    const rowData = info.layout === 'row' ? transA === 0 : transA === 1;
    if (!rowData) {
      step.fail(
        `${label} has transA=${transA} on data in ${info.layout === 'row' ? 'row' : 'column'} layout; ` +
          'Spinscope maps Gemm(x, W) with transA=0 on [batch, features] data',
      );
    }
    const wName = node.inputs[1];
    if (!wName) step.fail(`${label} has no input B`);
    const B = matrix(step, wName);
    if (transB) {
      [nOut, nIn] = B.dims;
      weight = transposeMatrix(B.data, nOut, nIn);
      stored = '[out, in]';
    } else {
      [nIn, nOut] = B.dims;
      weight = copyWeight(B);
      stored = '[in, out]';
    }
    checkLinearInput(step, nIn, wName);
    const batch = s ? (info.layout === 'row' ? s[0] : s[1]) : step.fresh.next();
    next = { shape: [batch, nOut], layout: 'row' };
  } else {
    const colData = info.layout === 'col' ? transB === 0 : transB === 1;
    if (!colData) {
      step.fail(
        `${label} multiplies a weight by data in ${info.layout === 'row' ? 'row' : 'column'} layout with transB=${transB}; ` +
          'W·x needs the features along the rows',
      );
    }
    const wName = node.inputs[0];
    const A = matrix(step, wName);
    if (transA) {
      [nIn, nOut] = A.dims;
      weight = copyWeight(A);
      stored = '[in, out]';
    } else {
      [nOut, nIn] = A.dims;
      weight = transposeMatrix(A.data, nOut, nIn);
      stored = '[out, in]';
    }
    checkLinearInput(step, nIn, wName);
    const batch = s ? (info.layout === 'col' ? s[1] : s[0]) : step.fresh.next();
    next = { shape: [nOut, batch], layout: 'col' };
  }
  if (alpha !== 1) for (let k = 0; k < weight.length; k++) weight[k] *= alpha;
  pushLayer(step, weight, nIn, nOut, stored);
  const cName = node.inputs[2];
  if (cName) {
    const C = step.floatConstant(cName, 'bias C');
    if (beta === 0) {
      step.warnings.push(`${label} has beta=0: its bias C is ignored`);
    } else {
      const bias = biasVector(step, C, nOut, next, `bias C ${quote(cName)}`, weight);
      if (beta !== 1) for (let k = 0; k < bias.length; k++) bias[k] *= beta;
      const layers = step.draft.layers;
      layers[layers.length - 1].bias = bias;
    }
  }
  return next;
}

/** MatMul: x·W on [batch, features] data, or W·x on [features, batch] data. */
export function matmul(step: ChainStep): DataInfo {
  const { node, label, dataInput: di, data: info } = step;
  if (node.inputs.length !== 2) step.fail(`${label} has ${node.inputs.length} inputs, expected 2`);
  const wName = node.inputs[1 - di];
  const W = matrix(step, wName);
  const s = info.shape;
  const rank = s?.length;
  if (di === 0) {
    if (info.layout === 'col' && rank !== 1) {
      step.fail(
        `${label} multiplies transposed data (features × batch) by a weight on the right; ` +
          'Spinscope maps x·W on [batch, features] data or W·x on [features, batch] data',
      );
    }
    const [nIn, nOut] = W.dims;
    checkLinearInput(step, nIn, wName);
    pushLayer(step, copyWeight(W), nIn, nOut, '[in, out]');
    return { shape: s ? (s.length === 1 ? [nOut] : [...s.slice(0, -1), nOut]) : null, layout: 'row' };
  }
  if (info.layout === 'row' && rank !== 1) {
    step.fail(
      `${label} computes W·x on data in row layout (batch × features); W·x needs the features along ` +
        'the rows (e.g. after a Transpose of the data). Spinscope maps x·W on [batch, features] data',
    );
  }
  const [nOut, nIn] = W.dims;
  checkLinearInput(step, nIn, wName);
  pushLayer(step, transposeMatrix(W.data, nOut, nIn), nIn, nOut, '[out, in]');
  if (!s) return { shape: null, layout: 'col' };
  if (s.length === 1) return { shape: [nOut], layout: 'row' };
  const shape = s.slice();
  shape[s.length - 2] = nOut;
  return { shape, layout: 'col' };
}

/** Add of a constant right after a Gemm or MatMul: the layer's bias. */
export function addBias(step: ChainStep): DataInfo {
  const { node, label, dataInput: di, data: info, draft } = step;
  if (node.inputs.length !== 2) step.fail(`${label} has ${node.inputs.length} inputs, expected 2`);
  const cName = node.inputs[1 - di];
  const slot = step.slot(cName);
  if (slot.kind === 'data') {
    step.fail(
      `${label} adds two values computed from the input: the network branches (a residual connection?); ${SUPPORTED}`,
    );
  }
  if (draft.layers.length === 0) {
    step.fail(`${label} adds a constant before any dense layer; a bias must follow a Gemm or MatMul`);
  }
  const layer = draft.layers[draft.layers.length - 1];
  const k = draft.layers.length;
  if (draft.stage === 'activated') {
    step.fail(
      `${label} adds a constant after the activation of layer ${k} (${layer.activationNode}); ` +
        'Spinscope maps a bias only directly after its Gemm or MatMul',
    );
  }
  if (layer.bias)
    step.fail(`${label} adds a second bias to layer ${k} (${layer.node}), which already has one`);
  const C = step.floatConstant(cName, 'added constant');
  layer.bias = biasVector(step, C, layer.outFeatures, info, `added constant ${quote(cName)}`, layer.weight);
  return info;
}

function pushLayer(
  step: ChainStep,
  weight: WeightArray,
  nIn: number,
  nOut: number,
  stored: WeightOrientation,
): void {
  if (nIn === 0 || nOut === 0) step.fail(`${step.label} has an empty weight matrix (${nIn}×${nOut})`);
  // Two linear ops in a row: the previous layer keeps activation null, i.e. identity.
  step.draft.layers.push({
    inFeatures: nIn,
    outFeatures: nOut,
    weight,
    activation: null,
    node: step.label,
    stored,
  });
  step.draft.stage = 'linear';
}

function matrix(step: ChainStep, name: string): Tensor {
  const t = step.floatConstant(name, 'weight');
  if (t.dims.length !== 2) {
    step.fail(
      `${step.label}: its weight ${quote(name)} has shape [${t.dims.join(', ')}]; a dense layer needs a matrix`,
    );
  }
  return t;
}

function features(info: DataInfo): Dim | undefined {
  const s = info.shape;
  if (!s || s.length === 0) return undefined;
  if (s.length === 1) return s[0];
  return info.layout === 'row' ? s[s.length - 1] : s[s.length - 2];
}

/** A dense layer needs one feature axis and batch axes; extra axes of known size > 1 mean something else. */
function checkLinearInput(step: ChainStep, nIn: number, weightName: string): void {
  const info = step.data;
  const s = info.shape;
  if (!s) return;
  if (s.length === 0) step.fail(`${step.label} gets a scalar; a dense layer needs a vector of features`);
  const f = features(info);
  if (isKnown(f) && f !== nIn) {
    step.fail(
      `${step.label}: its weight ${quote(weightName)} expects ${nIn} inputs but the data has ${f} features ` +
        `(shape ${formatShape(s)})`,
    );
  }
  const fa = s.length === 1 ? 0 : info.layout === 'row' ? s.length - 1 : s.length - 2;
  const ba = info.layout === 'row' ? 0 : s.length - 1;
  const extra = s.findIndex((d, k) => s.length > 2 && k !== fa && k !== ba && isKnown(d) && d !== 1);
  if (extra >= 0) {
    step.fail(
      `${step.label} gets data of shape ${formatShape(s)}; a dense layer needs [batch, features] ` +
        '(flatten the input first)',
    );
  }
}

/** A constant that broadcasts as one value per feature (or one for all), as a vector of length `out`. */
function biasVector(
  step: ChainStep,
  t: Tensor,
  out: number,
  info: DataInfo,
  what: string,
  like: WeightArray,
): WeightArray {
  const d = t.dims;
  const s = info.shape;
  const featFromEnd = info.layout === 'row' || s?.length === 1 ? 1 : 2;
  const bad = (): never =>
    step.fail(
      `${step.label}: its ${what} has shape [${d.join(', ')}], which is not one value per feature for data of ` +
        `shape ${formatShape(s)} with ${out} features`,
    );
  if (s && d.length > s.length) bad();
  d.forEach((n, k) => {
    const fromEnd = d.length - k;
    if (fromEnd === featFromEnd ? n !== out && n !== 1 : n !== 1) bad();
  });
  const v = like instanceof Float64Array ? new Float64Array(out) : new Float32Array(out);
  if (t.data.length === 1) v.fill(t.data[0]);
  else if (t.data.length === out) v.set(t.data);
  else bad();
  return v;
}

/** A weight matrix as a fresh WeightArray in its source precision (float16 widened to float32). */
function copyWeight(t: Tensor): WeightArray {
  return isSinglePrecision(t.dataType) ? Float32Array.from(t.data) : Float64Array.from(t.data);
}

/** [rows, cols] → [cols, rows], keeping the array type. */
function transposeMatrix(data: Float32Array | Float64Array, rows: number, cols: number): WeightArray {
  const out = data instanceof Float32Array ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return out;
}
