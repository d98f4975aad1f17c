/**
 * The data of each figure kind: plain JSON, self-describing (every axis is a Quantity with its
 * unit), so a figure spec re-renders without the project it came from. The adapters in
 * adapters.ts build these from Spinscope's reports; the option builders (one file per kind) turn
 * them into ECharts options.
 */
import type { Quantity } from './quantity.ts';

/** A named curve y(x), optionally with a confidence band [yLow, yHigh] at each x. */
export interface XYSeries {
  name: string;
  x: number[];
  /** null where there is no value (a gap in the line). */
  y: (number | null)[];
  yLow?: (number | null)[];
  yHigh?: (number | null)[];
}

/** T_c(t) on log-log axes with power-law fits T_c = prefactor · t^exponent over a window of steps. */
export interface TcData {
  kind: 'tc';
  x: Quantity;
  y: Quantity;
  series: XYSeries[];
  fits: { name: string; exponent: number; prefactor: number; window: [number, number] }[];
}

/** λ_min(H(β)) against T, one curve per checkpoint; the zero line marks the instability. */
export interface LambdaFamilyData {
  kind: 'lambdaMin';
  x: Quantity;
  y: Quantity;
  series: XYSeries[];
}

/** Eigenvalue densities of J, one per checkpoint, on a log y axis (science.md §5.4). */
export interface SpectrumData {
  kind: 'spectrum';
  x: Quantity;
  y: Quantity;
  /** Histograms: edges (n + 1, ascending) and densities (n). */
  series: { name: string; edges: number[]; density: number[] }[];
  /** Density of one eigenvalue in a bin: densities below it are not drawn (log axis). */
  floor?: number;
  /** Log-spaced bins of positive eigenvalues: draw x on a log axis too. */
  logX?: boolean;
}

export type PhaseName = 'paramagnet' | 'glass' | 'hiddenOrder' | 'undetermined';

/** The phase diagram: phase at each (checkpoint step, T), with the T_c(t) line (science.md §5.5). */
export interface PhaseDiagramData {
  kind: 'phaseDiagram';
  x: Quantity;
  y: Quantity;
  /** Checkpoint steps, ascending (> 0: the step axis is logarithmic). */
  steps: number[];
  /** The temperatures of the grid, ascending (the same for every step). */
  temperatures: number[];
  /** phases[i][j]: the phase at steps[i], temperatures[j]. */
  phases: PhaseName[][];
  /** T_c at each step. */
  tc: number[];
  /**
   * A number per cell, the same shape as phases (e.g. λ_min(H) at each step and T): when given,
   * cells are coloured by it — the diverging map centred on 0 when it takes both signs, else the
   * sequential map — with a colour bar, and the phases go to the CSV only. null: no value.
   */
  values?: { quantity: Quantity; cells: (number | null)[][] };
}

/** Training curves: loss or accuracy against step (one quantity per figure; use panels for both). */
export interface TrainingData {
  kind: 'training';
  x: Quantity;
  y: Quantity;
  series: XYSeries[];
  logX?: boolean;
  logY?: boolean;
}

/** Histograms of weights, one per layer or checkpoint, drawn as outlines so several overlap. */
export interface WeightHistogramData {
  kind: 'weightHistogram';
  x: Quantity;
  y: Quantity;
  series: { name: string; edges: number[]; counts: number[] }[];
  logY?: boolean;
}

/** One metric (alpha, stable rank, log-norm, …) per layer, grouped bars for several runs/steps. */
export interface LayerBarsData {
  kind: 'layerBars';
  x: Quantity;
  y: Quantity;
  /** Category labels on x: 'W^{(1)}', … */
  layers: string[];
  series: { name: string; values: (number | null)[] }[];
}

export type FigureData =
  | TcData
  | LambdaFamilyData
  | SpectrumData
  | PhaseDiagramData
  | TrainingData
  | WeightHistogramData
  | LayerBarsData;

export type FigureKind = FigureData['kind'];
export const FIGURE_KINDS: readonly FigureKind[] = [
  'tc',
  'lambdaMin',
  'spectrum',
  'phaseDiagram',
  'training',
  'weightHistogram',
  'layerBars',
];
