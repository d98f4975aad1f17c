/**
 * One small, plausible data set per figure kind, built from closed forms so that tests can compute
 * every plotted value again independently: T_c = 0.8·t^0.25 (a power law), λ_min(T) = (1 − T_c/T)²
 * for a glass (touching zero) and 1 − T_c/T for hidden order (crossing), a semicircle density, …
 */
import type { FigureData, FigureKind } from '../../src-main/core/figures/figureData.ts';

export const STEPS = [0, 10, 30, 100, 300, 1000, 3000];
export const TC_LAW = { prefactor: 0.8, exponent: 0.25 };
export const tcAt = (t: number): number => TC_LAW.prefactor * t ** TC_LAW.exponent;
const T_GRID = Array.from({ length: 12 }, (_, i) => 0.25 + 0.25 * i);

function semicircle(radius: number, bins: number): { edges: number[]; density: number[] } {
  const edges = Array.from({ length: bins + 1 }, (_, i) => -1.2 * radius + (2.4 * radius * i) / bins);
  const density = edges.slice(0, -1).map((lo, i) => {
    const x = (lo + edges[i + 1]) / 2;
    return Math.abs(x) < radius ? (2 / (Math.PI * radius ** 2)) * Math.sqrt(radius ** 2 - x ** 2) : 0;
  });
  return { edges, density };
}

export const SAMPLES: Record<FigureKind, FigureData> = {
  tc: {
    kind: 'tc',
    x: { label: 'Training step', unit: '' },
    y: { label: 'T_c', unit: '' },
    series: [
      { name: 'ReLU', x: STEPS, y: STEPS.map((t) => (t === 0 ? 1.7 : tcAt(t))) },
      {
        name: 'binarized',
        x: STEPS,
        y: STEPS.map((t) => (t === 0 ? 1.6 : 0.9 * tcAt(t))),
        yLow: STEPS.map((t) => (t === 0 ? 1.5 : 0.85 * tcAt(t))),
        yHigh: STEPS.map((t) => (t === 0 ? 1.7 : 0.95 * tcAt(t))),
      },
    ],
    fits: [{ name: 'ReLU', exponent: TC_LAW.exponent, prefactor: TC_LAW.prefactor, window: [10, 3000] }],
  },
  lambdaMin: {
    kind: 'lambdaMin',
    x: { label: 'Temperature T', unit: '' },
    y: { label: 'λ_{min}(H)', unit: '' },
    series: [
      { name: 'step 0', x: T_GRID, y: T_GRID.map((T) => (1 - 1 / T) ** 2) },
      { name: 'step 1000', x: T_GRID, y: T_GRID.map((T) => 1 - 1.5 / T) },
      { name: 'step 3000', x: T_GRID, y: T_GRID.map((T) => 1 - 2 / T) },
    ],
  },
  spectrum: {
    kind: 'spectrum',
    x: { label: 'Eigenvalue λ of J', unit: '' },
    y: { label: 'Density ρ(λ)', unit: '' },
    series: [
      { name: 'step 0', ...semicircle(2, 41) },
      { name: 'step 3000', ...semicircle(2.5, 41) },
    ],
    floor: 1e-3,
  },
  phaseDiagram: {
    kind: 'phaseDiagram',
    x: { label: 'Training step', unit: '' },
    y: { label: 'Temperature T', unit: '' },
    steps: STEPS,
    temperatures: T_GRID,
    phases: STEPS.map((t) =>
      T_GRID.map((T) => (T >= (t === 0 ? 1 : tcAt(t)) ? 'paramagnet' : t < 100 ? 'glass' : 'hiddenOrder')),
    ),
    tc: STEPS.map((t) => (t === 0 ? 1 : tcAt(t))),
  },
  training: {
    kind: 'training',
    x: { label: 'Training step', unit: '' },
    y: { label: 'Training loss', unit: 'nats' },
    series: [
      { name: 'ReLU', x: STEPS.slice(1), y: STEPS.slice(1).map((t) => 2.3 * t ** -0.3) },
      { name: 'binarized', x: STEPS.slice(1), y: STEPS.slice(1).map((t) => 2.3 * t ** -0.2) },
    ],
    logX: true,
    logY: true,
  },
  weightHistogram: {
    kind: 'weightHistogram',
    x: { label: 'Weight W_{ij}', unit: '' },
    y: { label: 'Count', unit: '' },
    series: [
      { name: 'W(1)', edges: [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3], counts: [5, 40, 120, 118, 38, 6] },
      { name: 'W(2)', edges: [-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3], counts: [12, 30, 80, 85, 33, 10] },
    ],
  },
  layerBars: {
    kind: 'layerBars',
    x: { label: 'Layer', unit: '' },
    y: { label: 'Power-law exponent α', unit: '' },
    layers: ['W^{(1)}', 'W^{(2)}', 'W^{(3)}', 'W^{(4)}'],
    series: [
      { name: 'step 0', values: [5.1, 5.4, 5.3, 4.2] },
      { name: 'step 3000', values: [3.2, 2.9, 2.7, null] },
    ],
  },
};

/** Axis titles as pdftotext reads them back (sub/superscripts are separate glyph runs). */
export const AXIS_WORDS: Record<FigureKind, string[]> = {
  tc: ['Training step'],
  lambdaMin: ['Temperature T'],
  spectrum: ['Eigenvalue', 'Density'],
  phaseDiagram: ['Training step', 'Temperature T'],
  training: ['Training step', 'Training loss (nats)'],
  weightHistogram: ['Weight', 'Count'],
  layerBars: ['Layer', 'Power-law exponent'],
};

/** The phase diagram coloured by a signed value: λ_min = 1 − T_c/T, negative below T_c. */
export const LAMBDA_MAP: FigureData = {
  ...(SAMPLES.phaseDiagram as Extract<FigureData, { kind: 'phaseDiagram' }>),
  values: {
    quantity: { label: 'λ_{min}(H)', unit: '' },
    cells: STEPS.map((t) => T_GRID.map((T) => 1 - (t === 0 ? 1 : tcAt(t)) / T)),
  },
};
