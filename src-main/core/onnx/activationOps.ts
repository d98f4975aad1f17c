/**
 * Ops on the chain that keep the data's shape: the activation of the layer just read, the ops
 * that do nothing at inference (Identity, Dropout in eval mode, Cast between float types), and
 * the Softmax or LogSoftmax that may end the network.
 */
import type { Activation } from '../network/network.ts';
import { attrFloat, attrInt, hasAttr } from './attributes.ts';
import type { ChainStep } from './chainStep.ts';
import { SUPPORTED } from './errors.ts';
import { formatShape } from './symbolic.ts';
import { dataTypeName, isFloatType } from './tensor.ts';
import type { DataInfo } from './values.ts';

/** Relu, LeakyRelu, Tanh, Sigmoid, Sign or Clip: the activation of the last layer. */
export function activation(step: ChainStep): DataInfo {
  const { node, label, dataInput: di, draft } = step;
  if (di !== 0) step.fail(`${label} takes the data as input ${di + 1}; ${SUPPORTED}`);
  if (draft.stage === 'start') {
    step.fail(
      `${label} comes before any dense layer; Spinscope maps activations that follow a Gemm or MatMul`,
    );
  }
  const layer = draft.layers[draft.layers.length - 1];
  if (draft.stage === 'activated') {
    step.fail(
      `${label} follows ${layer.activationNode}, the activation of layer ${draft.layers.length}: ` +
        'two activations in a row cannot be mapped to one layer',
    );
  }
  let act: Activation;
  switch (node.opType) {
    case 'Relu':
      act = { kind: 'relu' };
      break;
    case 'LeakyRelu': {
      const alpha = attrFloat(node, 'alpha', 0.01);
      if (!Number.isFinite(alpha)) step.fail(`${label} has alpha=${alpha}`);
      act = { kind: 'leakyRelu', alpha };
      break;
    }
    case 'Tanh':
      act = { kind: 'tanh' };
      break;
    case 'Sigmoid':
      act = { kind: 'sigmoid' };
      break;
    case 'Sign':
      act = { kind: 'sign' };
      break;
    default: {
      // Clip: attributes before opset 11, optional constant inputs (empty name = absent) from 11.
      let min = -Infinity;
      let max = Infinity;
      if (hasAttr(node, 'min') || hasAttr(node, 'max')) {
        min = attrFloat(node, 'min', -Infinity);
        max = attrFloat(node, 'max', Infinity);
      } else {
        if (node.inputs[1]) min = step.scalar(node.inputs[1], 'min');
        if (node.inputs[2]) max = step.scalar(node.inputs[2], 'max');
      }
      if (Number.isNaN(min) || Number.isNaN(max)) step.fail(`${label} has a NaN bound`);
      act = { kind: 'clip', min, max };
    }
  }
  layer.activation = act;
  layer.activationNode = label;
  draft.stage = 'activated';
  return step.data;
}

export function identity(step: ChainStep): DataInfo {
  return step.data;
}

/** Dropout passes the data unchanged in eval mode, the only mode with a deterministic result. */
export function dropout(step: ChainStep): DataInfo {
  const { node, label, dataInput: di } = step;
  if (di !== 0) step.fail(`${label} takes the data as input ${di + 1}; ${SUPPORTED}`);
  const mode = node.inputs[2];
  if (mode && step.scalar(mode, 'training_mode') !== 0) {
    step.fail(`${label} is in training mode (random); export the model in eval mode`);
  }
  return step.data;
}

/** Cast passes the data unchanged between float types. */
export function cast(step: ChainStep): DataInfo {
  const to = attrInt(step.node, 'to', 0);
  if (!isFloatType(to)) {
    step.fail(
      `${step.label} casts the data to ${dataTypeName(to)}; only casts between float types can be mapped`,
    );
  }
  return step.data;
}

/** Softmax or LogSoftmax over the features: the network's output transform, and its last node. */
export function softmax(step: ChainStep): DataInfo {
  const { node, label, data: info, draft } = step;
  if (draft.layers.length === 0) step.fail(`${label} comes before any dense layer`);
  const s = info.shape;
  const modern = step.opset === 0 || step.opset >= 13;
  const axis = attrInt(node, 'axis', modern ? -1 : 1);
  let ok: boolean;
  if (!s) {
    ok = axis === -1 || axis === 1;
  } else {
    const r = s.length;
    const a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) step.fail(`${label} has axis ${axis}, out of range for shape ${formatShape(s)}`);
    const fa = r === 1 ? 0 : info.layout === 'row' ? r - 1 : r - 2;
    if (modern || r === 1) ok = a === fa;
    // Before opset 13 Softmax flattens the axes from `axis` on into one: that is the features
    // only if the axes between `axis` and the last have size 1.
    else ok = info.layout === 'row' && s.slice(a, r - 1).every((d) => d === 1);
  }
  if (!ok) {
    step.fail(
      `${label} normalises over axis ${axis} of data of shape ${formatShape(s)}, not over the features`,
    );
  }
  draft.output = node.opType === 'Softmax' ? 'softmax' : 'logSoftmax';
  draft.finalNode = label;
  draft.stage = 'final';
  return info;
}
