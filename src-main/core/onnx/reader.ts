/**
 * ONNX → Network, by following the graph from its data input to its output (science.md §1):
 * never by initializer names. The data input is the one graph input that is not an initializer;
 * each node on the chain consumes the current value. Constant sub-expressions and shape side
 * branches (PyTorch's x.view(x.size(0), -1)) are evaluated on the side.
 *
 * Every weight of the Network is [in, out]; linearOps.ts says how Gemm and MatMul store theirs.
 * This file holds the entry points and turns every failure into an OnnxError; chainReader.ts walks
 * the graph.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { NetworkError, type Network } from '../network/network.ts';
import { ChainReader } from './chainReader.ts';
import type { WeightOrientation } from './chainStep.ts';
import { OnnxError } from './errors.ts';
import { describeNonOnnx } from './fileKind.ts';
import { decodeModel, type ModelProto } from './proto.ts';
import { ProtoError } from './protobuf.ts';

export { SUPPORTED } from './errors.ts';

export interface OnnxImport {
  network: Network;
  /** The graph's data input: name, declared shape (numbers and dimension names) and element type. */
  input: { name: string; shape: (number | string)[]; elemType: number };
  /** Name of the graph output the chain ends at. */
  outputName: string;
  /** Version of the default (ai.onnx) operator set, 0 if the file declares none. */
  opset: number;
  /** producer_name and producer_version of the file. */
  producer: string;
  /** Things the user may want to know; none of them stopped the import. */
  warnings: string[];
  /** Per dense layer: the node that made it and how the file stored its weight (before [in, out]). */
  layerSources: LayerSource[];
}

export interface LayerSource {
  /** The node as messages name it: node 'fc1' (Gemm). */
  node: string;
  stored: WeightOrientation;
}

/** Largest file readOnnxFile accepts. */
const MAX_FILE_BYTES = 2 ** 31 - 1;

/** Reads an ONNX model from memory. `source` names the file in messages; `baseDir` is its folder (external data). */
export function readOnnxModel(bytes: Uint8Array, opts: { source: string; baseDir?: string }): OnnxImport {
  const source = opts.source;
  if (bytes.length === 0) throw new OnnxError(`${source}: not a valid ONNX file (the file is empty)`);
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    if (e instanceof ProtoError) {
      const kind = describeNonOnnx(bytes);
      if (kind) throw new OnnxError(`${source}: not a valid ONNX file (${kind})`, { cause: e });
      throw new OnnxError(
        `${source}: not a valid ONNX file (truncated or corrupt at byte ${e.offset}: ${e.detail})`,
        {
          cause: e,
        },
      );
    }
    throw unexpected(source, e);
  }
  if (!model.graph) {
    const kind = describeNonOnnx(bytes);
    if (kind) throw new OnnxError(`${source}: not a valid ONNX file (${kind})`);
    const what = model.irVersion ? 'it has no graph' : 'no ir_version and no graph: not an ONNX model';
    throw new OnnxError(`${source}: not a valid ONNX file (${what})`);
  }
  try {
    return new ChainReader(model, model.graph, { source, baseDir: opts.baseDir }).read();
  } catch (e) {
    if (e instanceof OnnxError) throw e;
    if (e instanceof NetworkError) throw new OnnxError(e.message, { cause: e });
    throw unexpected(source, e);
  }
}

/** Reads an ONNX file; external data is looked up next to it. */
export async function readOnnxFile(path: string): Promise<OnnxImport> {
  let bytes: Uint8Array;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new OnnxError(`${path}: not a file`);
    if (s.size > MAX_FILE_BYTES) {
      throw new OnnxError(
        `${path}: the file has ${s.size} bytes, more than Spinscope reads (${MAX_FILE_BYTES})`,
      );
    }
    bytes = await readFile(path);
  } catch (e) {
    if (e instanceof OnnxError) throw e;
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new OnnxError(`${path}: cannot be read (${why})`, { cause: e });
  }
  return readOnnxModel(bytes, { source: path, baseDir: dirname(resolve(path)) });
}

function unexpected(source: string, e: unknown): OnnxError {
  const msg = e instanceof Error ? e.message : String(e);
  return new OnnxError(`${source}: could not be read (${msg})`, { cause: e });
}
