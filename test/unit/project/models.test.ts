/**
 * Importing ONNX models into a project, on the real PyTorch exports (../shared/fixtures/onnx and
 * test/fixtures/onnx): the copy (with its external data) loads on its own and evaluates on MNIST to
 * the accuracy PyTorch measured; files the reader refuses fail with the reader's message before
 * anything is written; models that cannot be fed MNIST are imported with a warning.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomNetwork } from '../../../src-main/core/network/init.ts';
import { OnnxError } from '../../../src-main/core/onnx/errors.ts';
import { writeOnnxModel } from '../../../src-main/core/onnx/writer.ts';
import {
  createProject,
  deleteModel,
  importModel,
  listModels,
  MODEL_SCHEMA,
  openProject,
  ProjectError,
  readModelRecord,
} from '../../../src-main/core/project/project.ts';
import { VERSION } from '../../../src-main/core/util/version.ts';
import { listFixtures, OWN_FIXTURES } from '../../helpers/fixtures.ts';
import { tempRoot } from './helpers.ts';

const fresh = tempRoot('spinscope-models-');
const fixtures = listFixtures();

function newProject(): string {
  const dir = fresh();
  createProject(dir);
  return dir;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe('importModel on the PyTorch fixtures', () => {
  it('finds both corpora, with an external-data fixture and error fixtures', () => {
    expect(fixtures.filter((f) => f.corpus === 'shared').length).toBeGreaterThanOrEqual(6);
    expect(fixtures.some((f) => f.name === 'storage_external_data')).toBe(true);
    expect(fixtures.filter((f) => !f.expected).length).toBeGreaterThanOrEqual(6);
  });

  for (const f of fixtures.filter((x) => x.expected)) {
    const exp = f.expected!;
    it(`${f.corpus}/${f.name}: copied with model.json; layers as read; MNIST accuracy as PyTorch measured`, async () => {
      const dir = newProject();
      const r = await importModel(dir, f.model);
      expect(r.id).toBe(f.name.replace(/_/g, '-'));
      expect(r.dir).toBe(join(dir, 'models', r.id));
      expect(r.file).toBe(`models/${r.id}/model.onnx`);
      expect(r.name).toBe(f.name);
      expect(r.exists).toBe(true);
      expect(r.error).toBeNull();
      expect(readFileSync(join(r.dir, 'model.onnx')).equals(readFileSync(f.model))).toBe(true);
      expect(r.layers).toEqual(exp.model.layers);
      expect(r.spins).toBe(exp.model.spins);
      expect(r.couplings).toBe(exp.model.couplings);
      if (exp.activations) expect(r.activations).toEqual(exp.activations);

      // Every external-data file, under its relative name, byte for byte.
      for (const rel of r.externalData) {
        expect(readFileSync(join(r.dir, rel)).equals(readFileSync(join(dirname(f.model), rel)))).toBe(true);
      }
      const extra = readdirSync(r.dir).filter((n) => n !== 'model.onnx' && n !== 'model.json');
      expect(extra.sort()).toEqual([...r.externalData].sort());

      const record = readModelRecord(r.dir);
      expect(record).toMatchObject({
        schema: MODEL_SCHEMA,
        source: f.model,
        spinscopeVersion: VERSION,
        layers: r.layers,
        activations: r.activations,
        warnings: r.warnings,
        evaluation: r.evaluation,
      });
      expect(Math.abs(Date.now() - Date.parse(record.imported))).toBeLessThan(120_000);
      expect(listModels(dir)).toEqual([{ ...r }]);

      if (f.name === 'storage_float16') {
        // float16 input: MNIST evaluation feeds float32/float64, so it is imported unevaluated.
        expect(r.evaluation).toBeNull();
        expect(r.warnings.at(-1)).toMatch(/^not evaluated on MNIST: .*element type float16/);
        expect(r.warnings.at(-1)).toContain(f.model);
      } else if (exp.accuracy !== undefined) {
        expect(r.evaluation!.samples).toBe(10000);
        expect(Math.abs(r.evaluation!.accuracy - exp.accuracy)).toBeLessThanOrEqual(2e-4);
        expect(r.evaluation!.consistency).toBeLessThan(2e-5);
      } else {
        expect(r.evaluation!.samples).toBe(10000);
        expect(r.evaluation!.accuracy).toBeGreaterThan(0);
      }
      expect(readdirSync(join(dir, 'models'))).toEqual([r.id]); // no staging folder left
    });
  }

  it('the external-data model is copied with weights.bin and the copy alone loads in onnxruntime', async () => {
    const dir = newProject();
    const original = fresh();
    cpSync(join(OWN_FIXTURES, 'storage_external_data'), original, { recursive: true });
    const r = await importModel(dir, join(original, 'model.onnx'), { limit: 500 });
    expect(r.externalData).toEqual(['weights.bin']);
    rmSync(original, { recursive: true }); // the copy must not depend on the original
    expect(r.evaluation!.samples).toBe(500);
    expect(r.evaluation!.consistency).toBeLessThan(2e-5);
    const again = await importModel(dir, join(dir, 'models', r.id, 'model.onnx'), {
      limit: 500,
      name: 'copy',
    });
    expect(again.id).toBe('copy');
    expect(again.evaluation).toEqual(r.evaluation);
  });

  for (const f of fixtures.filter((x) => !x.expected)) {
    it(`${f.corpus}/${f.name}: fails with the reader's error and creates nothing`, async () => {
      const dir = newProject();
      const err = await rejection(importModel(dir, f.model));
      expect(err).toBeInstanceOf(OnnxError);
      expect(err.message).toContain(f.model);
      if (f.errorContains) expect(err.message).toContain(f.errorContains);
      expect(readdirSync(join(dir, 'models'))).toEqual([]);
    });
  }

  it('a missing file fails with the reader error and creates nothing, not even models/', async () => {
    const dir = newProject();
    rmSync(join(dir, 'models'), { recursive: true });
    const err = await rejection(importModel(dir, join(dir, 'nope.onnx')));
    expect(err.message).toMatch(/nope\.onnx: cannot be read \(no such file\)/);
    expect(existsSync(join(dir, 'models'))).toBe(false);
  });
});

describe('importModel options and edge cases', () => {
  function writeModel(widths: number[]): string {
    const folder = fresh();
    mkdirSync(folder);
    const file = join(folder, 'Tiny Net.onnx');
    writeFileSync(file, writeOnnxModel(randomNetwork({ widths, seed: 1 })));
    return file;
  }

  it('a model whose input is not MNIST-sized is imported with evaluation null and a warning, not a failure', async () => {
    const dir = newProject();
    const r = await importModel(dir, writeModel([20, 6, 3]));
    expect(r.id).toBe('tiny-net');
    expect(r.name).toBe('Tiny Net');
    expect(r.layers).toEqual([20, 6, 3]);
    expect(r.evaluation).toBeNull();
    expect(r.warnings).toEqual([
      'not evaluated on MNIST: the network has 20 inputs but MNIST images have 784 pixels (28×28); only MNIST-shaped models can be evaluated',
    ]);
    expect(readModelRecord(r.dir).evaluation).toBeNull();
  });

  it('evaluate:false skips MNIST; limit evaluates the first images; repeated imports get fresh ids', async () => {
    const dir = newProject();
    const file = writeModel([784, 12, 10]);
    const a = await importModel(dir, file, { evaluate: false });
    expect(a.evaluation).toBeNull();
    expect(a.warnings).toEqual([]);
    const b = await importModel(dir, file, { limit: 300 });
    expect(b.evaluation!.samples).toBe(300);
    expect(b.evaluation!.consistency).toBeLessThan(1e-5);
    expect([a.id, b.id]).toEqual(['tiny-net', 'tiny-net-2']);
    expect(listModels(dir).map((m) => m.id)).toEqual(['tiny-net', 'tiny-net-2']);
    const err = await rejection(importModel(dir, file, { limit: 0 }));
    expect(err).toBeInstanceOf(ProjectError);
    expect(err.message).toMatch(/limit must be a positive number of test images, got 0/);
    expect(readdirSync(join(dir, 'models'))).toEqual(['tiny-net', 'tiny-net-2']);
  });

  it('importing into a folder that is not a project fails before reading the model', async () => {
    const dir = fresh();
    mkdirSync(dir);
    const err = await rejection(importModel(dir, writeModel([784, 4, 10])));
    expect(err).toBeInstanceOf(ProjectError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a corrupt model.json or a missing model.onnx is a problem; the other models still list', async () => {
    const dir = newProject();
    const file = writeModel([784, 4, 10]);
    for (let i = 0; i < 3; i++) await importModel(dir, file, { evaluate: false, name: `m${i}` });
    writeFileSync(join(dir, 'models', 'm0', 'model.json'), '{"schema":');
    rmSync(join(dir, 'models', 'm2', 'model.onnx'));
    const info = openProject(dir);
    expect(info.models.map((m) => [m.id, m.error === null, m.exists])).toEqual([
      ['m0', false, true],
      ['m1', true, true],
      ['m2', true, false],
    ]);
    expect(info.models[0].error).toContain(`${join(dir, 'models', 'm0', 'model.json')} is corrupt`);
    expect(info.problems.map((p) => basename(p.path))).toEqual(['model.json', 'model.onnx']);
    expect(info.problems[1].action).toBe(
      `Restore the file from a backup, or import the model again from ${file}`,
    );
  });

  it('deleteModel removes the folder; unknown and invalid ids are refused', async () => {
    const dir = newProject();
    const r = await importModel(dir, writeModel([784, 4, 10]), { evaluate: false });
    deleteModel(dir, r.id);
    expect(readdirSync(join(dir, 'models'))).toEqual([]);
    expect(() => deleteModel(dir, r.id)).toThrow(/has no model "tiny-net"/);
    expect(() => deleteModel(dir, '..')).toThrow(/not a valid model id/);
  });
});
