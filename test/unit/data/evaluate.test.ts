import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readOnnxFile } from '../../../src-main/core/onnx/reader.ts';
import {
  EvaluationError,
  evaluateModel,
  resolveInputShape,
  type EvaluateOptions,
  type EvaluationResult,
} from '../../../src-main/core/onnx/evaluate.ts';
import type { Network } from '../../../src-main/core/network/network.ts';

const FIXTURES = '/work/shared/fixtures/onnx';
const model = (name: string): string => join(FIXTURES, name, 'model.onnx');
const tmp = mkdtempSync(join(tmpdir(), 'spinscope-evaluate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// --- A minimal protobuf rewriter, to give a fixture a fixed batch dimension without Python. ---

function readVarint(b: Uint8Array, pos: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (;;) {
    const byte = b[pos++];
    v += (byte & 0x7f) * mul;
    if (byte < 0x80) return [v, pos];
    mul *= 128;
  }
}

function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** Rewrites every length-delimited occurrence of `field` in a message with fn(payload, occurrence). */
function mapField(
  msg: Uint8Array,
  field: number,
  fn: (sub: Uint8Array, k: number) => Uint8Array,
): Uint8Array {
  const parts: Uint8Array[] = [];
  let pos = 0;
  let k = 0;
  while (pos < msg.length) {
    const start = pos;
    const [key, p] = readVarint(msg, pos);
    pos = p;
    const wire = key & 7;
    if (wire === 0) pos = readVarint(msg, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, q] = readVarint(msg, pos);
      const payload = msg.subarray(q, q + len);
      pos = q + len;
      if (Math.floor(key / 8) === field) {
        const sub = fn(payload, k++);
        parts.push(Uint8Array.from([...varint(key), ...varint(sub.length)]), sub);
        continue;
      }
    } else throw new Error(`unsupported wire type ${wire}`);
    parts.push(msg.subarray(start, pos));
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** ModelProto.graph(7) → input(11)/output(12)[0] → type(2) → tensor_type(1) → shape(2) → dim(1)[0] := batch. */
function fixBatchDim(onnx: Uint8Array, batch: number): Uint8Array {
  const firstDim = (shape: Uint8Array): Uint8Array =>
    mapField(shape, 1, (dim, k) => (k === 0 ? Uint8Array.from([0x08, ...varint(batch)]) : dim));
  const valueInfo = (vi: Uint8Array, k: number): Uint8Array =>
    k > 0 ? vi : mapField(vi, 2, (t) => mapField(t, 1, (tt) => mapField(tt, 2, firstDim)));
  return mapField(onnx, 7, (g) => mapField(mapField(g, 11, valueInfo), 12, valueInfo));
}

async function evaluate(
  name: string,
  path = model(name),
  opts: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const { network } = await readOnnxFile(model(name));
  return evaluateModel(path, network, opts);
}

describe('evaluateModel on the PyTorch fixtures', () => {
  it('relu_gemm_bias: trained, accurate, and the extracted layers reproduce onnxruntime', async () => {
    const fractions: number[] = [];
    const r = await evaluate('relu_gemm_bias', undefined, { onProgress: (f: number) => fractions.push(f) });
    expect(r.samples).toBe(10000);
    expect(r.accuracy).toBeGreaterThan(0.85);
    expect(r.consistency).toBeLessThan(1e-5);
    expect(fractions.length).toBe(20);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f > fractions[i - 1])).toBe(true);
  });

  it('relu_matmul_add (3-D input [B, 1, 784]) matches relu_gemm_bias', async () => {
    const gemm = await evaluate('relu_gemm_bias');
    const matmul = await evaluate('relu_matmul_add');
    expect(matmul.accuracy).toBe(gemm.accuracy);
    expect(matmul.consistency).toBeLessThan(1e-5);
  });

  it('sign_nobias and relu_nobias are trained and consistent', async () => {
    for (const name of ['sign_nobias', 'relu_nobias']) {
      const r = await evaluate(name);
      expect(r.accuracy).toBeGreaterThan(0.85);
      expect(r.consistency).toBeLessThan(1e-5);
    }
  });

  it('random_init is near chance', async () => {
    const r = await evaluate('random_init');
    expect(r.accuracy).toBeGreaterThan(0.02);
    expect(r.accuracy).toBeLessThan(0.3);
    expect(r.consistency).toBeLessThan(1e-5);
  });

  it('honours limit and batchSize', async () => {
    const r = await evaluate('relu_gemm_bias', undefined, { limit: 1234, batchSize: 100 });
    expect(r.samples).toBe(1234);
    expect(r.accuracy).toBeGreaterThan(0.85);
    expect(r.consistency).toBeLessThan(1e-5);
  });
});

describe('evaluateModel on a model with a fixed batch dimension', () => {
  // 10000 = 156 × 64 + 16: with a batch of 64 the last batch is zero-padded.
  for (const batch of [1, 64]) {
    it(`runs batches of ${batch} and agrees with the symbolic-batch model`, async () => {
      const path = join(tmp, `fixed${batch}.onnx`);
      writeFileSync(path, fixBatchDim(readFileSync(model('relu_gemm_bias')), batch));
      const session = await ort.InferenceSession.create(path);
      const meta = session.inputMetadata[0];
      expect(meta.isTensor && meta.shape).toEqual([batch, 784]);
      await session.release();
      const fixed = await evaluate('relu_gemm_bias', path);
      const symbolic = await evaluate('relu_gemm_bias');
      expect(fixed.samples).toBe(10000);
      expect(fixed.accuracy).toBe(symbolic.accuracy);
      expect(fixed.consistency).toBeLessThan(1e-5);
    });
  }
});

describe('evaluateModel errors', () => {
  it('rejects a network whose input size is not an MNIST image', async () => {
    const { network } = await readOnnxFile(model('relu_gemm_bias'));
    const small: Network = { ...network, inputSize: 100 };
    await expect(evaluateModel(model('relu_gemm_bias'), small)).rejects.toThrow(
      /the network has 100 inputs but MNIST images have 784 pixels/,
    );
  });

  it('rejects a network whose output width differs from the model', async () => {
    const { network } = await readOnnxFile(model('relu_gemm_bias'));
    const last = network.layers[network.layers.length - 1];
    const cut: Network = {
      ...network,
      layers: [
        ...network.layers.slice(0, -1),
        {
          ...last,
          outFeatures: 5,
          // keep the first 5 output columns of the [in, out] weight, and their biases
          weight: Float32Array.from(
            { length: last.inFeatures * 5 },
            (_, k) => last.weight[Math.floor(k / 5) * 10 + (k % 5)],
          ),
          bias: last.bias?.slice(0, 5),
        },
      ],
    };
    await expect(evaluateModel(model('relu_gemm_bias'), cut, { limit: 10 })).rejects.toThrow(
      /output 'output' has shape \[10, 10\] for a batch of 10; expected 5 values per image/,
    );
  });

  it('reports a file onnxruntime cannot load', async () => {
    const { network } = await readOnnxFile(model('relu_gemm_bias'));
    const err = await evaluateModel(model('broken_truncated'), network).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvaluationError);
    expect((err as Error).message).toMatch(/^ONNX Runtime cannot load .*broken_truncated\/model\.onnx: /);
  });
});

describe('resolveInputShape', () => {
  it('substitutes the batch size for a symbolic first dimension', () => {
    expect(resolveInputShape(['batch', 784], 784, 500, 'm')).toEqual({
      batch: 500,
      fixedBatch: false,
      rest: [784],
    });
    expect(resolveInputShape(['N', 1, 784], 784, 32, 'm')).toEqual({
      batch: 32,
      fixedBatch: false,
      rest: [1, 784],
    });
    expect(resolveInputShape(['', 1, 28, 28], 784, 8, 'm')).toEqual({
      batch: 8,
      fixedBatch: false,
      rest: [1, 28, 28],
    });
    expect(resolveInputShape([], 784, 8, 'm')).toEqual({ batch: 8, fixedBatch: false, rest: [784] });
  });

  it('keeps a fixed batch dimension and infers one symbolic image dimension', () => {
    expect(resolveInputShape([1, 784], 784, 500, 'm')).toEqual({ batch: 1, fixedBatch: true, rest: [784] });
    expect(resolveInputShape([16, 'c', 28, 28], 784, 500, 'm')).toEqual({
      batch: 16,
      fixedBatch: true,
      rest: [1, 28, 28],
    });
  });

  it('rejects shapes that do not hold the network input', () => {
    expect(() => resolveInputShape(['batch', 392], 784, 500, "m.onnx: input 'x'")).toThrow(
      "m.onnx: input 'x' has shape [batch, 392], i.e. 392 values per image, but the network has 784 inputs",
    );
    expect(() => resolveInputShape([784], 784, 500, 'm')).toThrow(
      /expected a batch dimension followed by the image/,
    );
    expect(() => resolveInputShape(['b', 'h', 'w'], 784, 500, 'm')).toThrow(
      /symbolic dimensions that cannot be resolved/,
    );
    expect(() => resolveInputShape(['b', 3, 'w'], 784, 500, 'm')).toThrow(
      /symbolic dimensions that cannot be resolved/,
    );
  });
});
