/**
 * The paper's claims (science.md §4) as tests on this run's measured numbers. A pure function of
 * the evidence in report.json, so a verdict can be checked, and flipped, on numbers alone. The
 * thresholds are ours (the paper states the claims qualitatively); each is named and stated in
 * the verdict's evidence so a reader sees what was required.
 */

/** Numbers as the report prints them: four significant digits. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return Number(x.toPrecision(digits)).toString();
}

export const pct = (x: number): string => `${fmt(100 * x, 3)}%`;

/** A glass's TAP T_c should sit near the replica prediction (science.md §2: 1–2% at N_k ≳ 300; small nets deviate more). */
export const REPLICA_TOLERANCE = 0.15;
/** "Fast" destruction of the glass: the hidden order takes over within this share of training. */
export const FAST_SHARE = 0.1;
/** A power law should describe the window: every seed's log-log fit explains at least this share of the variance. */
export const MIN_R2 = 0.8;

export interface RunEvidence {
  id: string;
  activation: string;
  seed: number;
  /** The analysis file the numbers come from, relative to the project. */
  sweepFile: string;
  init: {
    step: number;
    replicaTc: number;
    tapTc: number;
    relativeDifference: number;
    phase: string;
    minLambda: number;
    lambdaMax: number;
  };
  final: {
    step: number;
    epoch: number | null;
    tapTc: number;
    phase: string;
    minLambda: number;
    testAccuracy: number | null;
    lambdaMax: number;
  };
  glassToOrderStep: number | null;
  fit: {
    exponent: number;
    ci95: [number, number] | null;
    r2: number;
    window: [number, number];
    n: number;
  } | null;
}

export interface SpectrumEvidence {
  step: number;
  file: string;
  lambdaMax: number;
  /** The bulk edge the outliers are counted against (λ_max of J at step 0). */
  edge: number;
  outliers: number;
}

export interface ActivationEvidence {
  activation: string;
  runs: string[];
  /** The latest step at which a seed's glass gives way for good (null: a seed never orders). */
  glassToOrderStep: number | null;
  exponent: {
    mean: number;
    ci95: [number, number] | null;
    n: number;
    /** 'seeds': Student t across the seeds' exponents; 'regression': the one seed's least-squares interval. */
    interval: 'seeds' | 'regression' | null;
  } | null;
  window: [number, number] | null;
  spectra: SpectrumEvidence[];
  phaseDiagram: {
    file: string;
    steps: number[];
    temperatures: number[];
    /** Cells of each phase over the whole diagram. */
    counts: Record<'paramagnet' | 'glass' | 'hiddenOrder' | 'undetermined', number>;
  } | null;
  meanFinalTestAccuracy: number | null;
}

export type ClaimId = 'glassAtInit' | 'fastDestruction' | 'powerLaw' | 'similarTypes' | 'spectralTails';

export interface ClaimVerdict {
  id: ClaimId;
  claim: string;
  supported: boolean;
  evidence: string[];
}

export interface ClaimInputs {
  runs: RunEvidence[];
  activations: ActivationEvidence[];
}

const CLAIMS: Record<ClaimId, string> = {
  glassAtInit: 'At initialisation the network is a spin glass, with T_c at the replica prediction',
  fastDestruction: 'Training destroys the glass quickly: hidden order takes over early in training',
  powerLaw: 'The hidden order’s melting temperature T_c grows as a power law in training time',
  similarTypes: 'The continuous (ReLU) and binarized (sign) networks behave alike',
  spectralTails: 'The spectrum of J grows tails/outliers beyond the initial bulk edge',
};

function glassAtInit(x: ClaimInputs): ClaimVerdict {
  const evidence = x.runs.map(
    (r) =>
      `${r.id}: step ${r.init.step} is ${r.init.phase === 'glass' ? 'a glass' : `'${r.init.phase}'`}` +
      ` (min λ_min ${fmt(r.init.minLambda)}); TAP T_c ${fmt(r.init.tapTc)} vs replica ${fmt(r.init.replicaTc)}` +
      ` (${pct(r.init.relativeDifference)} apart; required ≤ ${pct(REPLICA_TOLERANCE)})`,
  );
  const supported =
    x.runs.length > 0 &&
    x.runs.every((r) => r.init.phase === 'glass' && r.init.relativeDifference <= REPLICA_TOLERANCE);
  return { id: 'glassAtInit', claim: CLAIMS.glassAtInit, supported, evidence };
}

function fastDestruction(x: ClaimInputs): ClaimVerdict {
  const ok = (r: RunEvidence): boolean =>
    r.final.phase === 'ordered' &&
    r.glassToOrderStep !== null &&
    r.glassToOrderStep <= FAST_SHARE * r.final.step;
  const evidence = x.runs.map((r) =>
    r.glassToOrderStep === null
      ? `${r.id}: still ${r.final.phase === 'ordered' ? 'not ordered throughout the end' : `'${r.final.phase}'`} at the last step ${r.final.step}`
      : `${r.id}: ordered from step ${r.glassToOrderStep} of ${r.final.step} (${pct(r.glassToOrderStep / r.final.step)} of training; required ≤ ${pct(FAST_SHARE)})`,
  );
  return {
    id: 'fastDestruction',
    claim: CLAIMS.fastDestruction,
    supported: x.runs.length > 0 && x.runs.every(ok),
    evidence,
  };
}

function activationPowerLaw(a: ActivationEvidence, runs: RunEvidence[]): { ok: boolean; line: string } {
  const members = runs.filter((r) => r.activation === a.activation);
  if (!a.exponent)
    return {
      ok: false,
      line: `${a.activation}: no power-law fit (a seed never reaches the ordered phase for good)`,
    };
  const e = a.exponent;
  const lowR2 = members.filter((r) => !r.fit || r.fit.r2 < MIN_R2);
  const positive = e.ci95 ? e.ci95[0] > 0 : e.mean > 0;
  const interval = e.ci95
    ? `95% CI [${fmt(e.ci95[0])}, ${fmt(e.ci95[1])}] (${e.interval === 'seeds' ? `Student t over ${e.n} seeds` : 'least squares, one seed'})`
    : 'no interval';
  const r2 = members.map((r) => (r.fit ? fmt(r.fit.r2, 3) : '–')).join(', ');
  return {
    ok: positive && lowR2.length === 0,
    line:
      `${a.activation}: exponent ${fmt(e.mean)}, ${interval}, over steps ${a.window?.join('–') ?? '–'}; ` +
      `R² ${r2} (required: interval above 0, R² ≥ ${MIN_R2})`,
  };
}

function powerLaw(x: ClaimInputs): ClaimVerdict {
  const parts = x.activations.map((a) => activationPowerLaw(a, x.runs));
  return {
    id: 'powerLaw',
    claim: CLAIMS.powerLaw,
    supported: parts.length > 0 && parts.every((p) => p.ok),
    evidence: parts.map((p) => p.line),
  };
}

function spectralTails(x: ClaimInputs): ClaimVerdict {
  const parts = x.activations.map((a) => {
    const first = a.spectra[0];
    const last = a.spectra.at(-1);
    if (!first || !last || last === first)
      return { ok: false, line: `${a.activation}: fewer than two spectra` };
    return {
      ok: last.outliers > first.outliers && last.lambdaMax > first.edge,
      line:
        `${a.activation}: λ_max(J) ${fmt(first.lambdaMax)} at step ${first.step} → ${fmt(last.lambdaMax)} at step ${last.step}; ` +
        `eigenvalues beyond the step-0 bulk edge ${fmt(first.edge)}: ${first.outliers} → ${last.outliers}` +
        ` (${a.spectra.map((s) => `${s.step}: ${s.outliers}`).join(', ')})`,
    };
  });
  return {
    id: 'spectralTails',
    claim: CLAIMS.spectralTails,
    supported: parts.length > 0 && parts.every((p) => p.ok),
    evidence: parts.map((p) => p.line),
  };
}

function overlap(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

function similarTypes(x: ClaimInputs): ClaimVerdict {
  const evidence: string[] = [];
  if (x.activations.length < 2) {
    return {
      id: 'similarTypes',
      claim: CLAIMS.similarTypes,
      supported: false,
      evidence: ['only one network type was run'],
    };
  }
  // Every per-type claim must hold for each type, not only for their union.
  const perType = x.activations.map((a) => {
    const sub: ClaimInputs = { runs: x.runs.filter((r) => r.activation === a.activation), activations: [a] };
    const verdicts = [glassAtInit(sub), fastDestruction(sub), powerLaw(sub)];
    const failed = verdicts.filter((v) => !v.supported).map((v) => v.id);
    evidence.push(
      `${a.activation}: ${failed.length ? `fails ${failed.join(', ')}` : 'glass at init, fast destruction and power-law growth all hold'}`,
    );
    return failed.length === 0;
  });
  const [a, b] = x.activations;
  let exponentsAgree = false;
  if (a.exponent && b.exponent) {
    if (a.exponent.ci95 && b.exponent.ci95) {
      exponentsAgree = overlap(a.exponent.ci95, b.exponent.ci95);
      evidence.push(
        `exponents ${fmt(a.exponent.mean)} (${a.activation}) and ${fmt(b.exponent.mean)} (${b.activation}): ` +
          `95% intervals ${exponentsAgree ? 'overlap' : 'do not overlap'}`,
      );
    } else {
      const ratio = Math.max(a.exponent.mean, b.exponent.mean) / Math.min(a.exponent.mean, b.exponent.mean);
      exponentsAgree = a.exponent.mean > 0 && b.exponent.mean > 0 && ratio <= 2;
      evidence.push(
        `exponents ${fmt(a.exponent.mean)} and ${fmt(b.exponent.mean)} (no intervals): ratio ${fmt(ratio, 3)} (required ≤ 2)`,
      );
    }
  } else evidence.push('a network type has no exponent');
  return {
    id: 'similarTypes',
    claim: CLAIMS.similarTypes,
    supported: perType.every(Boolean) && exponentsAgree,
    evidence,
  };
}

export function evaluateClaims(x: ClaimInputs): ClaimVerdict[] {
  return [glassAtInit(x), fastDestruction(x), powerLaw(x), similarTypes(x), spectralTails(x)];
}
