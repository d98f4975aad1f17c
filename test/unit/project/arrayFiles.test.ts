import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  readNpyFile,
  readNpzFile,
  writeNpyFile,
  writeNpzFile,
} from '../../../src-main/core/project/arrayFiles.ts';
import { NpyError } from '../../../src-main/core/project/npy.ts';
import { NpzError } from '../../../src-main/core/project/npz.ts';
import { thrownBy } from '../../helpers/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'spinscope-arrays-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('.npy and .npz files on disk', () => {
  it('write atomically and read back', () => {
    const spectrum = { data: new Float64Array([2.5, 1, -0.5]), shape: [3] };
    writeNpyFile(join(dir, 'spectrum.npy'), spectrum);
    expect(readNpyFile(join(dir, 'spectrum.npy'))).toEqual({ ...spectrum, dtype: 'float64' });
    writeNpzFile(join(dir, 'tap.npz'), { beta: { data: new Float32Array([0.5, 1]), shape: [2] }, spectrum });
    const tap = readNpzFile(join(dir, 'tap.npz'));
    expect(Object.keys(tap)).toEqual(['beta', 'spectrum']);
    expect(tap.spectrum.data).toEqual(spectrum.data);
    expect(readdirSync(dir).sort()).toEqual(['spectrum.npy', 'tap.npz']);
  });

  it('name the path when a file is missing or a folder', () => {
    const missing = join(dir, 'missing.npy');
    expect(thrownBy(() => readNpyFile(missing), NpyError).message).toBe(`${missing} does not exist`);
    const folder = join(dir, 'folder.npz');
    mkdirSync(folder);
    expect(thrownBy(() => readNpzFile(folder), NpzError).message).toBe(
      `${folder} is a folder, not an array file`,
    );
  });

  it('name the path in format errors', () => {
    const path = join(dir, 'spectrum.npy');
    expect(thrownBy(() => readNpzFile(path), NpzError).message).toMatch(
      new RegExp(`^${path} is not a ZIP archive .*; it is a \\.npy file`),
    );
  });
});
