/**
 * T_c(t) = b · t^a over training time (science.md §4: the hidden order's melting temperature grows
 * as a power law in the training step). Fitted by ordinary least squares of ln T_c against ln t
 * (architecture.md, contract 5), over the checkpoints with t > 0 in a window:
 *
 *     x = ln t,  y = ln T_c,  a = Sxy / Sxx,  ln b = ȳ − a x̄,
 *     R² = 1 − SSR / Syy,     se(a) = √( SSR / (n − 2) / Sxx ),
 *     se(ln b) = √( SSR / (n − 2) · (1/n + x̄² / Sxx) ),
 *     95% CI of a: a ± t_{0.975, n−2} · se(a)
 *
 * (any regression text, e.g. Draper & Smith, Applied Regression Analysis, §1.4). Sums are taken
 * about the means (two passes), so data that follow a power law exactly give a and b to rounding.
 */
import { studentTQuantile } from './studentT.ts';

/** Which checkpoints the fit uses; step 0 never (ln 0). */
export type FitWindow =
  /** Every checkpoint with step > 0 (the default of contract 5). */
  | { kind: 'all' }
  /** from ≤ step ≤ to, both inclusive; null leaves that side open. */
  | { kind: 'steps'; from: number | null; to: number | null }
  /**
   * The hidden-order regime: from the first checkpoint after which every checkpoint is ordered,
   * to the last. (ours) The paper fits "over a chosen window"; this is one such choice.
   */
  | { kind: 'ordered' };

export interface PowerLawFit {
  /** a in T_c = b · step^a. */
  exponent: number;
  /** b in T_c = b · step^a (T_c at step 1 on the fitted line). */
  prefactor: number;
  /** First and last step of the checkpoints fitted. */
  window: [number, number];
  /** Coefficient of determination of the log-log fit. */
  r2: number;
  /** Checkpoints fitted. */
  n: number;
  /** Standard error of the exponent; null with two points (no residual degrees of freedom). */
  exponentStderr: number | null;
  /** Two-sided 95% confidence interval of the exponent (Student t, n − 2 df); null with two points. */
  exponentCi95: [number, number] | null;
  /** Standard error of ln b; null with two points. */
  logPrefactorStderr: number | null;
}

export interface FitPoint {
  step: number;
  tc: number;
  /**
   * The Phase of spin/criticalTemperature.ts, spelled out: importing it would pull the spin kernels
   * (Node's Buffer) into the renderer, which re-fits with this module when the user moves the window.
   */
  phase?: 'glass' | 'ordered';
}

/** The fit, or why there is none (too few checkpoints in the window, …) in words for the user. */
export type PowerLawResult = { fit: PowerLawFit; problem: null } | { fit: null; problem: string };

export class FitWindowError extends Error {
  override name = 'FitWindowError';
}

/**
 * "s0:s1" (inclusive; either side may be left empty: "100:", ":5000"), "all" or "ordered".
 * Throws a FitWindowError saying what is expected.
 */
export function parseFitWindow(text: string): FitWindow {
  const t = text.trim();
  if (t === 'all') return { kind: 'all' };
  if (t === 'ordered') return { kind: 'ordered' };
  const m = /^(\d*)\s*:\s*(\d*)$/.exec(t);
  if (!m || (m[1] === '' && m[2] === '')) {
    throw new FitWindowError(
      `window '${text}': expected FROM:TO in training steps (inclusive, e.g. 100:5000, 100: or :5000), 'all' or 'ordered'`,
    );
  }
  const from = m[1] === '' ? null : Number(m[1]);
  const to = m[2] === '' ? null : Number(m[2]);
  if ((from !== null && !Number.isSafeInteger(from)) || (to !== null && !Number.isSafeInteger(to))) {
    throw new FitWindowError(`window '${text}': the steps are too large`);
  }
  if (from !== null && to !== null && from > to) {
    throw new FitWindowError(`window '${text}': the first step (${from}) is after the last (${to})`);
  }
  return { kind: 'steps', from, to };
}

/** The window as the text parseFitWindow reads. */
export function formatFitWindow(w: FitWindow): string {
  if (w.kind !== 'steps') return w.kind;
  return `${w.from ?? ''}:${w.to ?? ''}`;
}

/** The points of `points` (any order) that the window selects, by increasing step; never step 0. */
export function pointsInWindow<P extends FitPoint>(points: readonly P[], window: FitWindow): P[] {
  const positive = [...points].filter((p) => p.step > 0).sort((a, b) => a.step - b.step);
  if (window.kind === 'all') return positive;
  if (window.kind === 'steps') {
    return positive.filter(
      (p) => (window.from === null || p.step >= window.from) && (window.to === null || p.step <= window.to),
    );
  }
  let first = positive.length;
  while (first > 0 && positive[first - 1].phase === 'ordered') first--;
  return positive.slice(first);
}

/** Least-squares fit of ln T_c against ln step over the window (see the file comment). */
export function fitPowerLaw(
  points: readonly FitPoint[],
  window: FitWindow = { kind: 'all' },
): PowerLawResult {
  const used = pointsInWindow(points, window);
  const bad = used.find((p) => !(p.tc > 0) || !Number.isFinite(p.tc));
  if (bad) return { fit: null, problem: `T_c at step ${bad.step} is ${bad.tc}: a power law needs T_c > 0` };
  const n = used.length;
  if (n < 2) {
    const where =
      window.kind === 'ordered'
        ? 'in the ordered regime at the end of training (is the last checkpoint ordered?)'
        : window.kind === 'steps'
          ? `in the window '${formatFitWindow(window)}'`
          : 'after step 0';
    return {
      fit: null,
      problem: `${n === 0 ? 'no checkpoint' : 'only one checkpoint'} ${where}: a fit needs two`,
    };
  }
  const x = used.map((p) => Math.log(p.step));
  const y = used.map((p) => Math.log(p.tc));
  const xMean = x.reduce((s, v) => s + v, 0) / n;
  const yMean = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - xMean;
    const dy = y[i] - yMean;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return { fit: null, problem: `every checkpoint in the window is at step ${used[0].step}` };
  const exponent = sxy / sxx;
  const logPrefactor = yMean - exponent * xMean;
  let ssr = 0;
  for (let i = 0; i < n; i++) ssr += (y[i] - logPrefactor - exponent * x[i]) ** 2;
  // A constant T_c is fitted exactly by a = 0: all of its (zero) variance is explained.
  const r2 = syy > 0 ? 1 - ssr / syy : 1;
  let exponentStderr: number | null = null;
  let exponentCi95: [number, number] | null = null;
  let logPrefactorStderr: number | null = null;
  if (n > 2) {
    const s2 = ssr / (n - 2);
    exponentStderr = Math.sqrt(s2 / sxx);
    logPrefactorStderr = Math.sqrt(s2 * (1 / n + (xMean * xMean) / sxx));
    const half = studentTQuantile(0.975, n - 2) * exponentStderr;
    exponentCi95 = [exponent - half, exponent + half];
  }
  return {
    fit: {
      exponent,
      prefactor: Math.exp(logPrefactor),
      window: [used[0].step, used[n - 1].step],
      r2,
      n,
      exponentStderr,
      exponentCi95,
      logPrefactorStderr,
    },
    problem: null,
  };
}
