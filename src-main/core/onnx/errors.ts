/**
 * The one error type of the ONNX reader and writer. Its message is meant for the user: it names
 * the file, and where it helps the node, its op type and what Spinscope supports.
 */
export class OnnxError extends Error {
  override name = 'OnnxError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** What the reader can map, appended to its refusals so the user knows what would work. */
export const SUPPORTED =
  'Spinscope maps fully connected networks (Gemm/MatMul with Relu, LeakyRelu, Tanh, Sigmoid, Sign, Clip, ' +
  'Identity, Dropout, Flatten/Reshape, Softmax at the end) only';

/** A name from a file, quoted and shortened for a message (hostile files may hold huge or odd names). */
export function quote(name: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  let s = name.replace(/[\u0000-\u001f\u007f]/g, '?');
  if (s.length > max) s = `${s.slice(0, max)}…`;
  return `'${s}'`;
}
