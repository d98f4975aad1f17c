import { describe, expect, it } from 'vitest';
import { FIGURE_KINDS } from '../../../src-main/core/figures/figureData.ts';
import { FIGURE_SCHEMA, makeFigureSpec, parseFigureSpec } from '../../../src-main/core/figures/spec.ts';
import { VERSION } from '../../../src-main/core/util/version.ts';
import { SAMPLES } from '../../helpers/figureSamples.ts';

describe('figure spec spinscope.figure/1', () => {
  it('every kind’s data survives JSON and validation unchanged, stamped with the Spinscope version', () => {
    for (const kind of FIGURE_KINDS) {
      const spec = makeFigureSpec(
        SAMPLES[kind],
        { preset: 'nature-single', palette: 'tol-muted' },
        {
          provenance: {
            project: '/p',
            runs: [{ id: 'relu-0', seed: 3 }],
            seeds: [3],
            analysis: { epsilon: 0 },
          },
        },
      );
      const back = parseFigureSpec(JSON.parse(JSON.stringify(spec)));
      expect(back).toEqual(spec);
      expect(back.spinscope.version).toBe(VERSION);
      expect(back.schema).toBe(FIGURE_SCHEMA);
    }
  });

  it('names the field that is wrong', () => {
    const spec = makeFigureSpec(SAMPLES.lambdaMin, { preset: 'aps-single' });
    const bad = JSON.parse(JSON.stringify(spec));
    bad.panels[0].data.series[1].y.pop();
    expect(() => parseFigureSpec(bad, 'fig.json')).toThrow(
      /fig\.json is not a valid figure spec: panels\.0\.data/,
    );
    const badPhase = JSON.parse(
      JSON.stringify(makeFigureSpec(SAMPLES.phaseDiagram, { preset: 'aps-single' })),
    );
    badPhase.panels[0].data.phases[2][3] = 'ferromagnet';
    expect(() => parseFigureSpec(badPhase)).toThrow(/panels\.0\.data/);
  });

  it('tells a newer spec and a report apart from a damaged spec', () => {
    expect(() => parseFigureSpec({ schema: 'spinscope.figure/2' }, 'f.json')).toThrow(
      /newer Spinscope.*update Spinscope/,
    );
    expect(() => parseFigureSpec({ schema: 'spinscope.sweep/1' }, 'f.json')).toThrow(
      /--from FILE --kind KIND/,
    );
  });
});
