/**
 * One entry point for every figure kind: the ECharts option (for the app's charts and for export)
 * and the table of plotted values (for the bundle's CSV). Both are pure functions of the data and
 * the style, with no DOM and no Node APIs, so the renderer imports this module directly.
 */
import type { EChartsOption } from 'echarts';
import type { FigureData, FigureKind } from './figureData.ts';
import { lambdaMinOption, lambdaMinTable } from './lambdaFigure.ts';
import { layerBarsOption, layerBarsTable } from './layerBarsFigure.ts';
import { phaseDiagramOption, phaseDiagramTable } from './phaseDiagramFigure.ts';
import { spectrumOption, spectrumTable } from './spectrumFigure.ts';
import type { FigureStyle } from './style.ts';
import type { FigureTable } from './table.ts';
import { tcOption, tcTable } from './tcFigure.ts';
import { trainingOption, trainingTable } from './trainingFigure.ts';
import { weightHistogramOption, weightHistogramTable } from './weightHistogramFigure.ts';

export const KIND_TITLES: Record<FigureKind, string> = {
  tc: 'T_c(t) with power-law fit',
  lambdaMin: 'λ_min(H) against T',
  spectrum: 'Eigenvalue density of J',
  phaseDiagram: 'Phase diagram',
  training: 'Training curves',
  weightHistogram: 'Weight histograms',
  layerBars: 'Per-layer metric',
};

/** The single-panel ECharts option of a figure. */
export function figureOption(data: FigureData, style: FigureStyle): EChartsOption {
  switch (data.kind) {
    case 'tc':
      return tcOption(data, style);
    case 'lambdaMin':
      return lambdaMinOption(data, style);
    case 'spectrum':
      return spectrumOption(data, style);
    case 'phaseDiagram':
      return phaseDiagramOption(data, style);
    case 'training':
      return trainingOption(data, style);
    case 'weightHistogram':
      return weightHistogramOption(data, style);
    case 'layerBars':
      return layerBarsOption(data, style);
  }
}

/** Exactly the values the option draws, as a table with units in the headers. */
export function figureTable(data: FigureData): FigureTable {
  switch (data.kind) {
    case 'tc':
      return tcTable(data);
    case 'lambdaMin':
      return lambdaMinTable(data);
    case 'spectrum':
      return spectrumTable(data);
    case 'phaseDiagram':
      return phaseDiagramTable(data);
    case 'training':
      return trainingTable(data);
    case 'weightHistogram':
      return weightHistogramTable(data);
    case 'layerBars':
      return layerBarsTable(data);
  }
}
