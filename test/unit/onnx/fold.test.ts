/** Constant folding and symbolic shape evaluation (fold.ts, symbolic.ts). */
import { describe, expect, it } from 'vitest';
import { FoldError, foldNode, type FoldContext, type Folded } from '../../../src-main/core/onnx/fold.ts';
import type { AttributeProto, NodeProto } from '../../../src-main/core/onnx/proto.ts';
import { divide, Fresh, product, sameProduct } from '../../../src-main/core/onnx/symbolic.ts';
import { DataType, roundHalf } from '../../../src-main/core/onnx/tensor.ts';

function node(opType: string, attrs: Record<string, number | number[]> = {}): NodeProto {
  const attributes: AttributeProto[] = Object.entries(attrs).map(([name, v]) => ({
    name,
    type: Array.isArray(v) ? 7 : 2,
    f: null,
    i: Array.isArray(v) ? null : v,
    s: null,
    t: null,
    floats: [],
    ints: Array.isArray(v) ? v : [],
  }));
  return { inputs: [], outputs: ['o'], name: '', opType, domain: '', attributes, offset: 0 };
}

function ctx(budget = 1e6): FoldContext {
  return {
    budget,
    fresh: new Fresh('?t'),
    opset: 13,
    decode: () => ({ dims: [], dataType: 1, data: new Float32Array(1) }),
  };
}

const f32 = (dims: number[], values: number[]): Folded => ({
  t: { dims, dataType: DataType.FLOAT, data: Float32Array.from(values) },
});
const i64 = (dims: number[], values: number[]): Folded => ({
  t: { dims, dataType: DataType.INT64, data: Float64Array.from(values) },
});
const sym = (vals: (number | string)[]): Folded => ({ s: { dims: [vals.length], vals } });
const values = (v: Folded): (number | string)[] => (v.t ? Array.from(v.t.data) : [...v.s!.vals]);

describe('constant folding', () => {
  it('transposes an N-D tensor with a permutation and reverses dims by default', () => {
    const x = f32([2, 3, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const r = foldNode(node('Transpose', { perm: [1, 0, 2] }), [x], ctx());
    expect(r.t!.dims).toEqual([3, 2, 2]);
    expect(values(r)).toEqual([0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11]);
    const d = foldNode(node('Transpose'), [f32([2, 3], [1, 2, 3, 4, 5, 6])], ctx());
    expect(d.t!.dims).toEqual([3, 2]);
    expect(values(d)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(d.t!.data).toBeInstanceOf(Float32Array);
  });

  it('gathers along an axis with negative indices', () => {
    const x = f32([2, 3], [1, 2, 3, 4, 5, 6]);
    const r = foldNode(node('Gather', { axis: 1 }), [x, i64([2], [-1, 0])], ctx());
    expect(r.t!.dims).toEqual([2, 2]);
    expect(values(r)).toEqual([3, 1, 6, 4]);
    expect(() => foldNode(node('Gather', { axis: 1 }), [x, i64([1], [3])], ctx())).toThrow(
      /index 3 is out of range/,
    );
  });

  it('concatenates, unsqueezes, squeezes, reshapes and slices', () => {
    const c = foldNode(node('Concat', { axis: 1 }), [f32([2, 1], [1, 2]), f32([2, 2], [3, 4, 5, 6])], ctx());
    expect(c.t!.dims).toEqual([2, 3]);
    expect(values(c)).toEqual([1, 3, 4, 2, 5, 6]);
    expect(foldNode(node('Unsqueeze'), [f32([3], [1, 2, 3]), i64([2], [0, -1])], ctx()).t!.dims).toEqual([
      1, 3, 1,
    ]);
    expect(foldNode(node('Squeeze', { axes: [0] }), [f32([1, 3], [1, 2, 3])], ctx()).t!.dims).toEqual([3]);
    expect(
      foldNode(node('Reshape'), [f32([2, 3], [1, 2, 3, 4, 5, 6]), i64([2], [0, -1])], ctx()).t!.dims,
    ).toEqual([2, 3]);
    expect(() => foldNode(node('Reshape'), [f32([2, 3], [1, 2, 3, 4, 5, 6]), i64([1], [4])], ctx())).toThrow(
      FoldError,
    );
    const s = foldNode(node('Slice'), [i64([4], [5, 6, 7, 8]), i64([1], [1]), i64([1], [-1])], ctx());
    expect(values(s)).toEqual([6, 7]);
  });

  it('broadcasts arithmetic and rounds Cast to float16', () => {
    const r = foldNode(node('Mul'), [f32([2, 2], [1, 2, 3, 4]), f32([2], [10, 100])], ctx());
    expect(values(r)).toEqual([10, 200, 30, 400]);
    const d = foldNode(node('Div'), [i64([2], [7, -7]), i64([], [2])], ctx());
    expect(values(d)).toEqual([3, -3]);
    const h = foldNode(node('Cast', { to: DataType.FLOAT16 }), [f32([2], [0.1, 70000])], ctx());
    expect(values(h)).toEqual([roundHalf(0.1), Infinity]);
    expect(roundHalf(0.1)).toBe(0.0999755859375);
    expect(roundHalf(1 + 2 ** -11)).toBe(1); // a tie rounds to even
  });

  it('refuses to produce more values than the budget allows', () => {
    const x = f32([4, 4], new Array(16).fill(1));
    expect(() => foldNode(node('Transpose'), [x], ctx(10))).toThrow(/would produce 16 values/);
    const big = Array.from({ length: 20 }, () => x);
    expect(() => foldNode(node('Concat', { axis: 0 }), big, ctx(100))).toThrow(/would produce 320 values/);
  });

  it('names the op it cannot evaluate', () => {
    expect(() => foldNode(node('ReduceSum'), [f32([1], [1])], ctx())).toThrow(
      /ReduceSum cannot be evaluated/,
    );
  });
});

describe('symbolic shape values', () => {
  it('evaluates x.view(x.size(0), -1): Gather, Unsqueeze and Concat over [batch, 1, 28, 28]', () => {
    const shape = sym(['batch', 1, 28, 28]);
    const n = foldNode(node('Gather', { axis: 0 }), [shape, i64([], [0])], ctx());
    expect(n.s).toEqual({ dims: [], vals: ['batch'] });
    const n1 = foldNode(node('Unsqueeze', { axes: [0] }), [n], ctx());
    const target = foldNode(node('Concat', { axis: 0 }), [n1, i64([1], [-1])], ctx());
    expect(values(target)).toEqual(['batch', -1]);
  });

  it('multiplies known dimensions and gives an unknown one for names', () => {
    const r = foldNode(node('Mul'), [sym([28, 'batch']), sym([28, 1])], ctx());
    expect(values(r)[0]).toBe(784);
    expect(values(r)[1]).toBe('batch');
    const u = foldNode(node('Mul'), [sym(['a']), sym(['b'])], ctx());
    expect(String(values(u)[0])).toMatch(/^\?t/);
  });

  it('compares and divides products of dimensions', () => {
    expect(sameProduct(product(['batch', 1, 784]), product([784, 'batch']))).toBe(true);
    expect(sameProduct(product(['batch', 784]), product(['batch', 392]))).toBe(false);
    expect(sameProduct(product(['batch', 784]), product([784]))).toBeNull();
    expect(divide(product(['batch', 28, 28]), product(['batch']))).toEqual({ num: 784, syms: [] });
    expect(divide(product([784]), product(['batch']))).toBeNull();
  });
});
