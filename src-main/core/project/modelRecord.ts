/**
 * models/<id>/model.json, the import record of an imported ONNX model: where it came from, when,
 * the layer summary the ONNX reader found, its warnings and the MNIST evaluation. Plain JSON, so
 * Python reads it without Spinscope; schema-versioned like the manifest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { messageOf, ProjectError } from './problems.ts';

export const MODEL_SCHEMA = 'spinscope.model/1';

export const modelRecordSchema = z.object({
  schema: z.literal(MODEL_SCHEMA),
  /** Display name (the original file's name, or its folder's when the file is called model.onnx). */
  name: z.string(),
  /** Absolute path of the imported file. */
  source: z.string(),
  /** ISO 8601 time of the import. */
  imported: z.string(),
  spinscopeVersion: z.string(),
  /** External-data files copied next to model.onnx, relative to the model folder, '/'-separated. */
  externalData: z.array(z.string()),
  /** Layer widths N_0..N_L (input and output included). */
  layers: z.array(z.number().int().positive()),
  /** Activation kind of each dense layer (core/network/network.ts), the last one usually 'identity'. */
  activations: z.array(z.string()),
  output: z.enum(['none', 'softmax', 'logSoftmax']),
  biases: z.boolean(),
  spins: z.number().int(),
  couplings: z.number().int(),
  input: z.object({
    name: z.string(),
    shape: z.array(z.union([z.number(), z.string()])),
    elemType: z.number(),
  }),
  opset: z.number(),
  producer: z.string(),
  warnings: z.array(z.string()),
  /**
   * Per dense layer, the node that made it and how the file stored its weight ('[out, in]' for
   * PyTorch's Gemm(transB=1)); absent in records written before it was recorded.
   */
  layerSources: z
    .array(z.object({ node: z.string(), stored: z.enum(['[in, out]', '[out, in]']) }))
    .optional(),
  /**
   * MNIST test accuracy by onnxruntime and the agreement of Spinscope's forward pass (consistency:
   * max |difference|, null if not finite); null when not evaluated (see warnings).
   */
  evaluation: z
    .object({ accuracy: z.number(), samples: z.number().int(), consistency: z.number().nullable() })
    .nullable(),
});

export type ModelRecord = z.infer<typeof modelRecordSchema>;
export type ModelEvaluation = NonNullable<ModelRecord['evaluation']>;

/** Reads models/<id>/model.json; throws a ProjectError naming the file. */
export function readModelRecord(folder: string): ModelRecord {
  const file = join(folder, 'model.json');
  if (!existsSync(file))
    throw new ProjectError(file, `${folder} is not an imported model: it has no model.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProjectError(file, `${file} is corrupt (${messageOf(e)}); model.onnx beside it is untouched`);
  }
  const schema = (json as { schema?: unknown } | null)?.schema;
  const version = typeof schema === 'string' ? /^spinscope\.model\/(\d+)$/.exec(schema) : null;
  if (version && Number(version[1]) > 1) {
    throw new ProjectError(
      file,
      `${file} was written by a newer Spinscope (${schema}; this version reads ${MODEL_SCHEMA}): update Spinscope`,
    );
  }
  const parsed = modelRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ProjectError(file, `${file} is not a valid import record (${issues.join('; ')})`);
  }
  return parsed.data;
}
