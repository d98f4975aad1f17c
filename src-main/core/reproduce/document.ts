/**
 * The report's content as a list of blocks built from report.json alone (headings, paragraphs,
 * tables, figures), so the HTML and the PDF say the same thing with the same numbers.
 */
import { fmt, pct } from './claims.ts';
import type { ReproduceReport } from './evidence.ts';

export type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; header: string[]; rows: string[][] }
  | { kind: 'verdict'; supported: boolean; claim: string; evidence: string[] }
  | { kind: 'figure'; name: string; title: string; caption: string };

const accuracy = (x: number | null): string => (x === null ? '–' : pct(x));

export function reportBlocks(r: ReproduceReport): Block[] {
  const b = r.budget;
  const blocks: Block[] = [
    {
      kind: 'heading',
      level: 1,
      text: 'Neural networks as spin models: from glass to hidden order through training',
    },
    {
      kind: 'paragraph',
      text:
        `A reproduction of the findings of Barney, Winer and Galitski (arXiv:2408.06421) by Spinscope ${r.spinscope.version}, ` +
        `budget '${b.name}': ${b.arch.join('-')} networks with ReLU and binarized (sign) activations, ${b.seeds} seed${b.seeds > 1 ? 's' : ''} each, ` +
        `${b.epochs} epoch${b.epochs > 1 ? 's' : ''} of MNIST${b.trainLimit ? ` (first ${b.trainLimit} images)` : ''}, ` +
        `${b.checkpoints} log-spaced checkpoints after step 0. Every number below is read from the project's analysis files (listed at the end).`,
    },
    { kind: 'heading', level: 2, text: 'The paper’s claims on this run' },
    ...r.claims.map((c): Block => ({
      kind: 'verdict',
      supported: c.supported,
      claim: c.claim,
      evidence: c.evidence,
    })),
    { kind: 'heading', level: 2, text: 'Initialisation: replica prediction and TAP' },
    {
      kind: 'table',
      header: ['run', 'replica T_c', 'TAP T_c', 'difference', 'phase', 'min λ_min'],
      rows: r.runs.map((x) => [
        x.id,
        fmt(x.init.replicaTc),
        fmt(x.init.tapTc),
        pct(x.init.relativeDifference),
        x.init.phase,
        fmt(x.init.minLambda),
      ]),
    },
    { kind: 'heading', level: 2, text: 'From glass to hidden order' },
    {
      kind: 'table',
      header: [
        'run',
        'glass → order at step',
        'last step',
        'final T_c',
        'final phase',
        'exponent a',
        '95% CI',
        'R²',
        'test accuracy',
      ],
      rows: r.runs.map((x) => [
        x.id,
        x.glassToOrderStep === null ? '–' : String(x.glassToOrderStep),
        String(x.final.step),
        fmt(x.final.tapTc),
        x.final.phase,
        fmt(x.fit?.exponent),
        x.fit?.ci95 ? `[${fmt(x.fit.ci95[0])}, ${fmt(x.fit.ci95[1])}]` : '–',
        fmt(x.fit?.r2, 3),
        accuracy(x.final.testAccuracy),
      ]),
    },
    {
      kind: 'table',
      header: [
        'network',
        'glass → order at step',
        'fit window',
        'exponent a (mean)',
        '95% CI',
        'interval from',
        'mean test accuracy',
      ],
      rows: r.activations.map((a) => [
        a.activation,
        a.glassToOrderStep === null ? '–' : String(a.glassToOrderStep),
        a.window ? `${a.window[0]}–${a.window[1]}` : '–',
        fmt(a.exponent?.mean),
        a.exponent?.ci95 ? `[${fmt(a.exponent.ci95[0])}, ${fmt(a.exponent.ci95[1])}]` : '–',
        a.exponent?.interval === 'seeds'
          ? `${a.exponent.n} seeds (Student t)`
          : a.exponent?.interval === 'regression'
            ? 'least squares (one seed)'
            : '–',
        accuracy(a.meanFinalTestAccuracy),
      ]),
    },
  ];
  for (const f of r.figures)
    blocks.push({ kind: 'figure', name: f.name, title: f.title, caption: f.caption });
  blocks.push(
    { kind: 'heading', level: 2, text: 'Spectra' },
    {
      kind: 'table',
      header: ['network', 'step', 'λ_max(J)', 'step-0 bulk edge', 'eigenvalues beyond it'],
      rows: r.activations.flatMap((a) =>
        a.spectra.map((s) => [
          a.activation,
          String(s.step),
          fmt(s.lambdaMax),
          fmt(s.edge),
          String(s.outliers),
        ]),
      ),
    },
    { kind: 'heading', level: 2, text: 'Phase diagrams' },
    {
      kind: 'table',
      header: ['network', 'steps', 'temperatures', 'paramagnet', 'glass', 'hidden order', 'undetermined'],
      rows: r.activations.flatMap((a) =>
        a.phaseDiagram
          ? [
              [
                a.activation,
                a.phaseDiagram.steps.join(', '),
                a.phaseDiagram.temperatures.map((t) => fmt(t)).join(', '),
                String(a.phaseDiagram.counts.paramagnet),
                String(a.phaseDiagram.counts.glass),
                String(a.phaseDiagram.counts.hiddenOrder),
                String(a.phaseDiagram.counts.undetermined),
              ],
            ]
          : [],
      ),
    },
    { kind: 'heading', level: 2, text: 'Sources' },
    {
      kind: 'list',
      items: [...r.sources, ...r.figures.map((f) => `figures/${f.name}.* (PDF, SVG, PNG, CSV, spec JSON)`)],
    },
  );
  return blocks;
}
