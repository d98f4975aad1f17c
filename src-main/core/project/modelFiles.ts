/**
 * The files an ONNX model is made of: the model itself and the external-data files its tensors
 * name (ONNX's external data: TensorProto.data_location = EXTERNAL, external_data {location, offset,
 * length}, the location relative to the model's folder). Importing copies all of them, so the copy
 * in models/<id>/ loads on its own, in Spinscope, onnxruntime and Python.
 */
import { closeSync, copyFileSync, fsyncSync, openSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep, win32 } from 'node:path';
import { quote } from '../onnx/errors.ts';
import { decodeModel, type TensorProto } from '../onnx/proto.ts';
import { messageOf, ProjectError } from './problems.ts';

/** Names in models/<id>/ that belong to Spinscope, not to the model's external data. */
const RESERVED = new Set(['model.onnx', 'model.json']);

/** The reader's rule for "stored externally" (core/onnx/tensor.ts), so nothing it reads is missed. */
function isExternal(t: TensorProto): boolean {
  const inline = !!(t.rawData || t.floatData || t.int32Data || t.int64Data || t.uint64Data || t.doubleData);
  return t.dataLocation === 1 || (t.externalData.some((e) => e.key === 'location') && !inline);
}

/**
 * The external-data files of the model at `source` (its bytes in `bytes`), as '/'-separated paths
 * relative to its folder, sorted, each checked to be a regular file inside that folder (no absolute
 * path, no '..', no symbolic link out) — the reader checks this for the tensors it uses; this covers
 * every tensor, since onnxruntime loads them all. Throws a ProjectError naming the model.
 */
export function externalDataFiles(source: string, bytes: Uint8Array): string[] {
  let tensors: TensorProto[];
  try {
    const graph = decodeModel(bytes).graph;
    tensors = [
      ...(graph?.initializers ?? []),
      ...(graph?.nodes ?? []).flatMap((n) => n.attributes.flatMap((a) => (a.t ? [a.t] : []))),
    ];
  } catch (e) {
    throw new ProjectError(source, `${source}: not a valid ONNX file (${messageOf(e)})`, { cause: e });
  }
  const folder = realpathSync(dirname(source));
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  const out = new Set<string>();
  for (const t of tensors.filter(isExternal)) {
    const location = t.externalData.find((e) => e.key === 'location')?.value ?? '';
    const what = `${source}: tensor ${quote(t.name)} stores its data in ${quote(location)}`;
    const refuse = (why: string): never => {
      throw new ProjectError(source, `${what}, ${why}; external data must be a file in the model's folder`);
    };
    if (!location || location.includes('\0')) refuse('which is not a file name');
    if (isAbsolute(location) || win32.isAbsolute(location) || /^[A-Za-z]:/.test(location)) {
      refuse('an absolute path');
    }
    const parts = location.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
    if (parts.length === 0 || parts.includes('..')) refuse("which climbs out of the model's folder");
    const rel = parts.join('/');
    if (RESERVED.has(rel.toLowerCase())) {
      refuse(`a name Spinscope uses for its own files in models/<id>/ (${[...RESERVED].join(', ')})`);
    }
    let target: string;
    try {
      target = realpathSync(resolve(folder, ...parts));
    } catch {
      return refuse('which does not exist: copy it next to the model and import again');
    }
    if (!target.startsWith(prefix)) refuse('which resolves (through a symbolic link) outside that folder');
    if (!statSync(target).isFile()) refuse('which is not a regular file');
    out.add(rel);
  }
  return [...out].sort();
}

/** Copies a file and flushes the copy to disk (it becomes visible only when its folder is renamed). */
export function copyDurably(from: string, to: string): void {
  copyFileSync(from, to);
  const fd = openSync(to, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (a rename into it) where the platform allows; best effort. */
export function syncFolder(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // Windows and some file systems cannot flush a folder; the rename still stands
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `rel` ('/'-separated, checked by externalDataFiles) under `folder`. */
export function under(folder: string, rel: string): string {
  return join(folder, ...rel.split('/'));
}
