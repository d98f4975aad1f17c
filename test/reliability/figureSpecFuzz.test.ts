/**
 * Figure specs under mutation (issue 9, bad input): a spec of every figure kind
 * (test/helpers/figureSamples.ts), mutated by jsonMutate.ts and by byte edits of its JSON text, then
 * read as `spinscope figure name.json` reads it (JSON.parse, parseFigureSpec) and drawn
 * (renderFigure → SVG). Every input must draw an SVG or fail with a figure error naming the file.
 */
import { describe, expect, it } from 'vitest';
import { FigureDataError } from '../../src-main/core/figures/adapters.ts';
import { renderFigure } from '../../src-main/core/figures/bundle.ts';
import { FIGURE_KINDS } from '../../src-main/core/figures/figureData.ts';
import { FigureSpecError, makeFigureSpec, parseFigureSpec } from '../../src-main/core/figures/spec.ts';
import { FigureStyleError } from '../../src-main/core/figures/style.ts';
import { SAMPLES } from '../helpers/figureSamples.ts';
import { mutate } from '../helpers/mutate.ts';
import { clearErrorOf, runFuzz, type FuzzInput } from './fuzz.ts';
import { mutateJson } from './jsonMutate.ts';
import { Tally } from './outcomes.ts';

const INPUTS = 500;
const SEED = 90_500;
const SOURCE = 'figures/fig.json';

class JsonError extends Error {
  override name = 'JsonError';
}

describe('figure specs under mutation', () => {
  it(`${INPUTS} mutated figure specs draw an SVG or fail with a figure error naming the file`, async () => {
    const tally = new Tally('figure specs (mutation)', 'inputs');
    const specs = FIGURE_KINDS.map((k) => makeFigureSpec(SAMPLES[k], { preset: 'aps-single' }));
    const inputs = Array.from({ length: INPUTS }, (_, i): FuzzInput => {
      const spec = specs[i % specs.length]!;
      const seed = SEED + i;
      const m =
        i % 3 === 2
          ? (() => {
              const b = mutate(new Uint8Array(Buffer.from(JSON.stringify(spec))), seed);
              return { text: Buffer.from(b.bytes).toString('utf8'), desc: `bytes: ${b.desc}` };
            })()
          : (() => {
              const j = mutateJson(spec as unknown as Record<string, unknown>, seed);
              return { text: JSON.stringify(j.value) ?? '', desc: `schema: ${j.desc}` };
            })();
      return {
        desc: `${spec.panels[0]!.data.kind} seed ${seed} ${m.desc}`,
        run: () => {
          let json: unknown;
          try {
            json = JSON.parse(m.text);
          } catch (e) {
            // What the CLI says for a damaged file (its own message names the file).
            throw new JsonError(`${SOURCE} is not valid JSON (${(e as Error).message})`);
          }
          return renderFigure(parseFigureSpec(json, SOURCE));
        },
      };
    });
    const stats = await runFuzz(tally, inputs, {
      timeBoundMs: 5000,
      clearError: clearErrorOf(
        [FigureSpecError, FigureDataError, FigureStyleError, JsonError],
        (e) => e.message.includes(SOURCE) || e.name !== 'FigureSpecError',
      ),
      validResult: (r) => {
        const svg = (r as { svg: string }).svg;
        return svg.startsWith('<svg') && !svg.includes('NaN') ? null : `not a clean SVG: ${svg.slice(0, 80)}`;
      },
    });
    tally.save(`slowest ${stats.slowestMs.toFixed(0)} ms`);
    expect(tally.failures.slice(0, 10)).toEqual([]);
  });
});
