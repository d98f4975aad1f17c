/**
 * The spectrum report of one network (`spinscope spectrum`, the `spectrum` job): the eigenvalue
 * density of the bond matrix J with its outliers and their localisation (core/spin/density.ts), and
 * the WeightWatcher diagnostics of every weight matrix (layerDiagnostics.ts).
 */
import { couplingCount, layerWidths, spinCount, type Network } from '../network/network.ts';
import { BondMatrix } from '../spin/bondMatrix.ts';
import { bondDensity, type BondDensity, type BondDensityOptions } from '../spin/density.ts';
import { topEigenvalues } from '../spin/spectrum.ts';
import { throwIfCancelled } from '../util/cancel.ts';
import { layerDiagnostics, type LayerDiagnostics, type LayerDiagnosticsOptions } from './layerDiagnostics.ts';

export const SPECTRUM_SCHEMA = 'spinscope.spectrum/1';

export interface SpectrumOptions extends Omit<BondDensityOptions, 'onProgress'> {
  /**
   * A reference network of the same shape, typically step 0 of the same run: λ_max of its J is the
   * bulk edge the outliers are counted against (overrides referenceEdge).
   */
  reference?: Network;
  layers?: LayerDiagnosticsOptions;
  onProgress?: (fraction: number, message: string) => void;
}

export interface SpectrumReport {
  schema: typeof SPECTRUM_SCHEMA;
  model: { layers: number[]; spins: number; couplings: number };
  density: BondDensity;
  /** The reference network's shape and the largest eigenvalue of its J (the edge used), if one was given. */
  reference: { layers: number[]; lambdaMax: number } | null;
  /** One entry per weight matrix W^(1)..W^(L). */
  layers: LayerDiagnostics[];
  /** Seconds per stage: the density's stages, the reference's λ_max, the layer diagnostics. */
  timings: Record<string, number>;
  warnings: string[];
}

export function spectrumReport(net: Network, opts: SpectrumOptions = {}): SpectrumReport {
  const warnings: string[] = [];
  if (net.layers.some((l) => l.bias && l.bias.some((b) => b !== 0))) {
    warnings.push('biases are ignored: J holds the weights only (science.md §1)');
  }
  const widths = layerWidths(net);
  const report = (f: number, msg: string): void => opts.onProgress?.(f, msg);
  let reference: SpectrumReport['reference'] = null;
  let referenceEdge = opts.referenceEdge;
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  if (opts.reference) {
    report(0, 'largest eigenvalue of the reference J');
    const refWidths = layerWidths(opts.reference);
    const lambdaMax = topEigenvalues(BondMatrix.fromNetwork(opts.reference), 1, 1e-9).values[0];
    reference = { layers: refWidths, lambdaMax };
    referenceEdge = lambdaMax;
    if (refWidths.join('-') !== widths.join('-')) {
      warnings.push(
        `the reference has layers ${refWidths.join('-')}, the model ${widths.join('-')}: its edge is used as it is`,
      );
    }
    timings.reference = (performance.now() - t0) / 1000;
    throwIfCancelled(opts.signal);
  }
  const bond = BondMatrix.fromNetwork(net);
  const density = bondDensity(bond, {
    ...opts,
    referenceEdge,
    onProgress: (f, msg) => report(0.05 + 0.8 * f, msg),
  });
  Object.assign(timings, density.timings);
  report(0.85, 'WeightWatcher diagnostics per layer');
  t0 = performance.now();
  const layers = layerDiagnostics(bond.blocks, opts.layers);
  timings.layers = (performance.now() - t0) / 1000;
  for (const l of layers) warnings.push(...l.warnings);
  report(1, 'done');
  return {
    schema: SPECTRUM_SCHEMA,
    model: { layers: widths, spins: spinCount(net), couplings: couplingCount(net) },
    density,
    reference,
    layers,
    timings,
    warnings,
  };
}
