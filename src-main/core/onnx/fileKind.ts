/**
 * What a file that is not binary ONNX most likely is, so the reader can say so instead of only
 * "corrupt at byte N". Users pick the wrong file from a collaborator's folder: a PyTorch checkpoint
 * (torch.save), a Keras .h5, an image, or an ONNX model dumped as text or JSON. Each answer names
 * the format and the step that produces a file Spinscope reads.
 *
 * Only consulted after decoding has failed (reader.ts), so no valid model is ever refused because
 * its first bytes happen to look like a signature.
 */

const EXPORT_HINT =
  "export the model with torch.onnx.export(model, example_input, 'model.onnx') and load that file";

function startsWith(bytes: Uint8Array, sig: ArrayLike<number>, at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** The first bytes of the file as text, when they are text (printable ASCII, whitespace or UTF-8). */
function textHead(bytes: Uint8Array, n = 512): string | null {
  const head = bytes.subarray(0, n);
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return null;
    if (b === 0x7f) return null;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, '');
}

/** Top-level ModelProto field names, as they open a protobuf text-format dump of a model. */
const TEXT_FORMAT =
  /^\s*(#[^\n]*\n\s*)*(ir_version|producer_name|producer_version|opset_import|graph|model_version|domain|doc_string|metadata_props|functions)\s*[:{]/;
/** ONNX textual syntax (onnx.printer / onnx.parser): `<ir_version: 8, …>` or `name (float[N] x) => (…)`. */
const ONNX_SYNTAX =
  /^\s*(<\s*(ir_version|opset_import|producer_name|domain)\b|[A-Za-z_][\w.]*\s*\([^)]*\)\s*=>)/;

/**
 * A short description of what the bytes are and what to do instead, or null when they look like
 * nothing in particular (then the decoder's own "corrupt at byte N" is the best message).
 */
export function describeNonOnnx(bytes: Uint8Array): string | null {
  // ZIP local file header or end-of-central-directory (an empty archive).
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    // torch.save (since PyTorch 1.6) writes a ZIP whose entries are <name>/data.pkl, <name>/data/0, …
    const nameLen = bytes.length >= 28 ? bytes[26]! | (bytes[27]! << 8) : 0;
    const first = new TextDecoder().decode(bytes.subarray(30, 30 + nameLen));
    if (/(^|\/)(data\.pkl|version|data\/\d+)$/.test(first)) {
      return `it is a PyTorch checkpoint (a ZIP archive written by torch.save), not an ONNX model: ${EXPORT_HINT}`;
    }
    return (
      'it is a ZIP archive, not an ONNX model: unpack it and load the .onnx file inside ' +
      '(a PyTorch or Keras checkpoint must be exported to ONNX first)'
    );
  }
  // Python pickle, protocol 2–5: torch.save's legacy format (_use_new_zipfile_serialization=False).
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5) {
    return `it is a Python pickle (e.g. a legacy PyTorch checkpoint written by torch.save), not an ONNX model: ${EXPORT_HINT}`;
  }
  if (startsWith(bytes, [0x89, ...ascii('HDF\r\n'), 0x1a, 0x0a])) {
    return 'it is an HDF5 file (e.g. a Keras .h5 model), not an ONNX model: convert it to ONNX first (e.g. with tf2onnx)';
  }
  if (startsWith(bytes, [0x93, ...ascii('NUMPY')])) {
    return 'it is a NumPy array (.npy), not an ONNX model: load the network as an .onnx file';
  }
  if (startsWith(bytes, [0x1f, 0x8b])) {
    return 'it is gzip-compressed: decompress it (e.g. gunzip) and load the .onnx file inside';
  }
  const media: [string, number[]][] = [
    ['a PNG image', [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a]],
    ['a JPEG image', [0xff, 0xd8, 0xff]],
    ['a GIF image', ascii('GIF8')],
    ['a PDF document', ascii('%PDF-')],
  ];
  for (const [what, sig] of media) {
    if (startsWith(bytes, sig)) return `it is ${what}, not an ONNX model: choose the network's .onnx file`;
  }
  // safetensors: an 8-byte little-endian header length, then a JSON header.
  if (startsWith(bytes, ascii('{"'), 8)) {
    return "it is a safetensors file, which holds weights but not the network's graph: export the model to ONNX";
  }
  const text = textHead(bytes);
  if (text !== null) {
    if (ONNX_SYNTAX.test(text)) {
      return (
        'it is ONNX textual syntax, not the binary format Spinscope reads: convert it with ' +
        "onnx.save(onnx.parser.parse_model(text), 'model.onnx')"
      );
    }
    if (TEXT_FORMAT.test(text)) {
      return (
        'it is an ONNX model in protobuf text format, not the binary format Spinscope reads: convert it with ' +
        "onnx.save(google.protobuf.text_format.Parse(text, onnx.ModelProto()), 'model.onnx')"
      );
    }
    if (/^\s*[{[]/.test(text)) {
      return (
        'it is a JSON file, not a binary ONNX model: if it holds a model dumped as JSON, convert it with ' +
        "onnx.save(google.protobuf.json_format.Parse(text, onnx.ModelProto()), 'model.onnx')"
      );
    }
    return 'it is a text file, not a binary ONNX model';
  }
  return null;
}
