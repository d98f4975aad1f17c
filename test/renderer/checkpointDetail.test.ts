// @vitest-environment happy-dom
/**
 * The checkpoint detail's TAP solution clusters (read from the run's phase diagram, one row per
 * cluster at each temperature, with the Monte Carlo valleys when the diagram has them) and its
 * per-layer weight histograms (weights.histograms, drawn as densities that integrate to 1).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LayerWeightsDto, PhaseDiagramDto } from '../../src-main/api/contract.ts';
import ChartPanel from '../../src-renderer/src/components/ChartPanel.vue';
import { FakeBackend } from './fakeBackend.ts';
import { mountWorkbench, type Workbench } from './mountWorkbench.ts';

beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 320 });
});

let current: Workbench | null = null;
afterEach(() => {
  current?.wrapper.unmount();
  current = null;
  document.body.innerHTML = '';
});

const RUN = 'relu-784-32-10-s0';
const sel = (id: string): string => `[data-testid="${id}"]`;

/** Step 1000 of the diagram: a paramagnet at T = 2, two clusters (one unphysical) at T = 0.5. */
function diagram(): PhaseDiagramDto {
  const base = { relativeT: 1, hessian: 'ordered', starts: 16, dominantShare: 0.625 };
  return {
    runId: RUN,
    diagram: {
      schema: 'spinscope.phaseDiagram/1',
      grid: { kind: 'absolute', values: [2, 0.5] },
      checkpoints: [
        {
          step: 1000,
          tc: 1.5,
          hessianPhase: 'ordered',
          minLambda: -0.2,
          replicaTc: 1.2,
          topEigenvalue: 3,
          cells: [
            {
              ...base,
              T: 2,
              phase: 'paramagnet',
              converged: 16,
              clusters: [{ size: 16, paramagnet: true, physical: true, q: 0, overlapTop: null, plefka: 0.2 }],
            },
            {
              ...base,
              T: 0.5,
              phase: 'hiddenOrder',
              converged: 15,
              clusters: [
                {
                  size: 10,
                  paramagnet: false,
                  physical: true,
                  q: 0.4375,
                  overlapTop: 0.9375,
                  plefka: 0.8125,
                },
                { size: 5, paramagnet: false, physical: false, q: 0.25, overlapTop: 0.125, plefka: 1.25 },
              ],
              valleys: {
                copies: 8,
                valleys: [{ size: 5 }, { size: 2 }],
                paramagnetic: 1,
                largestShare: 0.625,
                verdict: 'hiddenOrder',
              },
            },
          ],
        },
      ],
      settings: { starts: 16 },
      seconds: 1,
      warnings: [],
    },
  };
}

/** W1 784×32 and W2 32×10 with uneven bins (widths 0.5 and 1.5) and counts summing to in × out. */
function weights(): LayerWeightsDto[] {
  const layer = (k: number, shape: [number, number]): LayerWeightsDto => {
    const n = shape[0] * shape[1];
    return {
      layer: k,
      shape,
      count: n,
      mean: -0.015625,
      std: 0.25,
      min: -1,
      max: 1,
      edges: [-1, -0.5, 1],
      counts: [n / 4, (3 * n) / 4],
    };
  };
  return [layer(1, [784, 32]), layer(2, [32, 10])];
}

async function start(): Promise<Workbench> {
  const b = new FakeBackend();
  b.openProject('/data/phases', 'phases');
  b.addCompletedRun(RUN, [0, 100, 1000]);
  b.phaseDiagrams.set(RUN, diagram());
  b.weights.set(`${RUN}@1000`, weights());
  const w = await mountWorkbench(b);
  current = w;
  await w.wrapper.find(sel('run-select')).trigger('click');
  await w.settle();
  return w;
}

async function selectStep(w: Workbench, index: number): Promise<void> {
  await w.wrapper.findAll(sel('checkpoint-select'))[index].trigger('click');
  await w.settle();
}

describe('checkpoint detail: TAP clusters', () => {
  it('lists each temperature’s clusters with size, q, overlap with v_top, Plefka x and valleys', async () => {
    const w = await start();
    await selectStep(w, 2);
    const rows = w.wrapper.findAll(sel('tap-cluster-row'));
    expect(rows.map((r) => r.attributes('data-t'))).toEqual(['2', '0.5', '0.5']);
    const col = (id: string) => w.wrapper.findAll(sel(id)).map((e) => e.text());
    expect(col('tap-cluster-t')).toEqual(['2.000', '0.5000']);
    expect(col('tap-cluster-phase')).toEqual(['paramagnet', 'hidden order']);
    expect(col('tap-cluster-count')).toEqual(['1', '2']);
    expect(col('tap-cluster-size')).toEqual(['16', '10', '5']);
    expect(col('tap-cluster-q')).toEqual(['0.000', '0.4375', '0.2500']);
    // The paramagnet has no direction: no overlap.
    expect(col('tap-cluster-overlap')).toEqual(['—', '0.9375', '0.1250']);
    expect(col('tap-cluster-plefka')).toEqual(['0.2000', '0.8125', '1.250']);
    expect(rows[2].text()).toContain('unphysical (x > 1)');
    expect(col('tap-cluster-valleys')).toEqual(['—', '2 (5, 2 of 8; 1 paramagnetic) → hidden order']);
  });

  it('shows no cluster table for a checkpoint the diagram does not cover', async () => {
    const w = await start();
    await selectStep(w, 1);
    expect(w.wrapper.find(sel('checkpoint-detail')).attributes('data-step')).toBe('100');
    expect(w.wrapper.find(sel('tap-clusters')).exists()).toBe(false);
  });
});

describe('checkpoint detail: weight histograms', () => {
  it('draws one density per layer, integrating to 1, with the layer’s counts and moments', async () => {
    const w = await start();
    await selectStep(w, 2);
    expect(w.backend.callsOf('weights.histograms').at(-1)).toEqual({ target: { runId: RUN, step: 1000 } });
    const layers = w.wrapper.findAll(sel('detail-weight-layer'));
    expect(layers.map((l) => l.attributes('data-layer'))).toEqual(['1', '2']);
    expect(layers[0].find(sel('detail-weight-stats')).text()).toBe(
      '784 × 32 = 25088 weights, mean -0.01563, std 0.2500, range [-1.000, 1.000]',
    );
    const panel = w.wrapper
      .findAllComponents(ChartPanel)
      .find((c) => String((c.props() as { label: string }).label) === `weights W2 ${RUN} step 1000`)!;
    const option = (panel.props() as { option: { series: { data: [number, number][] }[] } }).option;
    // Bin centres −0.75 and 0.25; densities n/(N·width): (1/4)/0.5 = 0.5 and (3/4)/1.5 = 0.5.
    expect(option.series[0].data).toEqual([
      [-0.75, 0.5],
      [0.25, 0.5],
    ]);
    const widths = [0.5, 1.5];
    expect(option.series[0].data.reduce((s, [, d], i) => s + d * widths[i], 0)).toBeCloseTo(1, 12);
  });

  it('says in place when a checkpoint’s weights cannot be read, without an error banner', async () => {
    const w = await start();
    await selectStep(w, 1);
    expect(w.wrapper.find(sel('detail-weights-error')).text()).toContain(`no weights for ${RUN}@100`);
    expect(w.wrapper.findAll(sel('error-banner'))).toHaveLength(0);
  });
});
