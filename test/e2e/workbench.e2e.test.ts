/**
 * End to end: the built renderer served by `spinscope serve` (the real backend, training in forked
 * worker processes, on real MNIST), driven in Debian's Chromium by playwright-core. A user trains a
 * small run and watches its job's progress bar move, cancels a second run and resumes it to the
 * end, and reads the first run's checkpoints. Then the scientific views of the first run: its sweep
 * and T_c(t) with the power-law fit (the exponent shown is checked against core/sweep's fit of the
 * sweep report on disk, also after moving the fit window), a checkpoint's λ_min(T), spectrum and
 * layer table, the phase diagram and a click through to a checkpoint, figure export, and a
 * checkpoint's Monte Carlo check (its T_c shown as in the report the job wrote). Then the import of
 * a PyTorch export (its report against the import record on disk and the fixture's reference T_c;
 * an unsupported graph explained) and the comparison of two checkpoints (T_c and B − A against
 * the sweep report) and of a checkpoint with the imported model.
 * Screenshots go to test/e2e/artifacts/.
 *
 * Needs `npm run build` first (out/renderer) and /usr/bin/chromium (`apt-get install chromium`).
 * Run with `npm run test:e2e`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonteCarloDto, SweepReportDto } from '../../src-main/api/contract.ts';
import { fitPowerLaw } from '../../src-main/core/sweep/powerLaw.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACTS = join(ROOT, 'test/e2e/artifacts');
const CHROMIUM = '/usr/bin/chromium';
const RENDERER_INDEX = join(ROOT, 'out/renderer/index.html');

/** Time for a whole training run of the small network (≈ 2 s here) or a resumed larger one. */
const RUN_TIMEOUT = 180_000;

let tmp: string;
let projectDir: string;
let server: ChildProcess | null = null;
let serverLog = '';
let browser: Browser | null = null;
let page: Page;
/** Console errors and uncaught exceptions of the page (CSP violations are console errors). */
const pageErrors: string[] = [];
/** The run of the first test, whose checkpoints the last test reads. */
let firstRunId = '';

/** Starts `spinscope serve` and resolves with the URL it prints first. */
async function startServe(): Promise<string> {
  const child = spawn(
    process.execPath,
    ['bin/spinscope.mjs', 'serve', '--port', '0', '--project', projectDir, '--create', '--concurrency', '2'],
    // The recent-projects list goes to a temporary config folder, not the user's.
    {
      cwd: ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: join(tmp, 'config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server = child;
  child.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`spinscope serve printed no URL in 60 s:\n${serverLog}`)),
      60_000,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`spinscope serve exited (code ${code}, signal ${signal}) before serving:\n${serverLog}`),
      );
    });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const url = /^Spinscope serving at (\S+)/.exec(line)?.[1];
      if (url) resolve(url);
      else
        reject(
          new Error(`unexpected first line from spinscope serve: ${JSON.stringify(line)}\n${serverLog}`),
        );
    });
    lines.on('line', (line) => (serverLog += line + '\n'));
  });
}

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const byTestId = (id: string, root: Page | Locator = page): Locator => root.locator(`[data-testid="${id}"]`);
const runRow = (runId: string): Locator => page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
const jobsOfRun = (runId: string): Locator => page.locator(`[data-testid="job"][data-run-id="${runId}"]`);

/** Fills the New training run form and starts it; returns the new run's id (from its job). */
async function startRun(fields: Record<string, string>): Promise<string> {
  const before = await byTestId('job').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.jobId));
  for (const [name, value] of Object.entries(fields)) {
    const field = byTestId(`field-${name}`);
    if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await byTestId('start-run').click();
  // Running jobs are listed first, newest first.
  const job = byTestId('job').first();
  await expect
    .poll(async () => {
      const id = await job.getAttribute('data-job-id');
      return id !== null && !before.includes(id);
    })
    .toBe(true);
  let runId: string | null = null;
  await expect
    .poll(async () => (runId = await job.getAttribute('data-run-id')), { timeout: 10_000 })
    .toBeTruthy();
  return runId!;
}

/** Text of the status badge in the run's row, once the row exists. */
async function runStatus(runId: string): Promise<string> {
  return (await byTestId('run-status', runRow(runId)).textContent({ timeout: 30_000 }))?.trim() ?? '';
}

beforeAll(async () => {
  if (!existsSync(RENDERER_INDEX)) {
    throw new Error(
      `${RENDERER_INDEX} is missing: build the renderer first (npm run build), then npm run test:e2e`,
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium)`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'spinscope-e2e-'));
  // Does not exist yet: `serve --create` makes it.
  projectDir = join(tmp, 'glass-to-order');
  const url = await startServe();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => pageErrors.push(`uncaught: ${e.message}`));
  await page.goto(url);
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((done) => server!.once('exit', done));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the workbench served by spinscope serve', () => {
  it('opens on the project that serve --create made', async () => {
    await byTestId('project-view').waitFor({ timeout: 30_000 });
    expect(await byTestId('project-name').textContent()).toBe(basename(projectDir));
    expect(existsSync(join(projectDir, 'spinscope.json'))).toBe(true);
    await expect.poll(() => byTestId('runs-empty').isVisible()).toBe(true);
    await screenshot('01-project');
  });

  it("trains a run whose job's progress bar moves until it completes", async () => {
    // Record every fraction any job's bar shows, however fast the run is.
    await page.evaluate(() => {
      const seen: Record<string, number[]> = {};
      (window as unknown as { fractionsSeen: typeof seen }).fractionsSeen = seen;
      const record = (): void => {
        for (const bar of document.querySelectorAll<HTMLElement>('[data-testid="job-progress"]')) {
          const id = bar.closest<HTMLElement>('[data-testid="job"]')?.dataset.jobId;
          const f = bar.dataset.fraction;
          if (!id || f === undefined || f === '') continue;
          const list = (seen[id] ??= []);
          if (list.at(-1) !== Number(f)) list.push(Number(f));
        }
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
      });
    });

    firstRunId = await startRun({
      arch: '784-32-10',
      activation: 'relu',
      epochs: '2',
      trainLimit: '6000',
      testLimit: '500',
      batchSize: '64',
    });
    const job = jobsOfRun(firstRunId).first();
    const jobId = (await job.getAttribute('data-job-id'))!;
    await screenshot('02-first-run-started');

    await expect.poll(() => job.getAttribute('data-status'), { timeout: RUN_TIMEOUT }).toBe('completed');
    const fractions = await page.evaluate(
      (id) => (window as unknown as { fractionsSeen: Record<string, number[]> }).fractionsSeen[id] ?? [],
      jobId,
    );
    // The bar moved: it showed at least one value strictly between empty and full, and ended full.
    expect(
      fractions.some((f) => f > 0 && f < 1),
      `fractions shown: ${fractions.join(', ')}`,
    ).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);

    await expect.poll(() => runStatus(firstRunId), { timeout: 30_000 }).toBe('completed');
    expect(await byTestId('run-step', runRow(firstRunId)).textContent()).toMatch(/^(\d+) \/ \1$/);
    await screenshot('03-first-run-completed');
  });

  it('cancels a second, larger run, shows it cancelled, and resumes it to completion', async () => {
    const runId = await startRun({
      arch: '784-256-256-10',
      epochs: '3',
      batchSize: '128',
      trainLimit: '',
      testLimit: '',
      seed: '1',
    });
    expect(runId).not.toBe(firstRunId);
    const job = jobsOfRun(runId).first();
    // Cancel once training is under way (the run folder exists and progress has been reported).
    await expect
      .poll(async () => Number((await byTestId('job-progress', job).getAttribute('data-fraction')) || 0), {
        timeout: 60_000,
      })
      .toBeGreaterThan(0.02);
    await expect.poll(() => runStatus(runId), { timeout: 30_000 }).toBe('running');
    await byTestId('run-cancel', runRow(runId)).click();

    await expect.poll(() => runStatus(runId), { timeout: 60_000 }).toBe('cancelled');
    expect(await job.getAttribute('data-status')).toBe('cancelled');
    await screenshot('04-second-run-cancelled');

    await byTestId('run-resume', runRow(runId)).click();
    await expect.poll(() => jobsOfRun(runId).count()).toBe(2);
    const resumed = jobsOfRun(runId).first();
    expect(await byTestId('job-label', resumed).textContent()).toContain(runId);
    await expect.poll(() => runStatus(runId), { timeout: 30_000 }).toMatch(/^(queued|running|completed)$/);
    await screenshot('05-second-run-resumed');

    await expect.poll(() => resumed.getAttribute('data-status'), { timeout: RUN_TIMEOUT }).toBe('completed');
    await expect.poll(() => runStatus(runId), { timeout: 30_000 }).toBe('completed');
    // The row reads "completed" from the job at once; its step comes from run.json with the refresh
    // the job's end triggers, a moment later.
    await expect
      .poll(async () => (await byTestId('run-step', runRow(runId)).textContent())?.trim(), {
        timeout: 10_000,
      })
      .toMatch(/^(\d+) \/ \1$/);
  });

  it("lists the first run's checkpoints with their test accuracy", async () => {
    await byTestId('run-select', runRow(firstRunId)).click();
    await expect.poll(() => byTestId('checkpoints-run').textContent()).toBe(firstRunId);
    const rows = byTestId('checkpoint-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(2);

    const steps = (await rows.evaluateAll((els) =>
      els.map((e) => Number((e as HTMLElement).dataset.step)),
    )) as number[];
    expect(steps[0]).toBe(0);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    // 784-32-10 after 2 epochs on 6000 images: far above chance (10 %) on the 500 test images.
    const last = (await byTestId('checkpoint-accuracy', rows.last()).textContent())!;
    expect(Number(/([\d.]+) %/.exec(last)?.[1])).toBeGreaterThan(70);
    expect(await byTestId('checkpoint-missing').count()).toBe(0);
    await screenshot('06-first-run-checkpoints');
  });

  it('sweeps the first run from its dashboard and shows T_c(t) with the power law of core/sweep', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await byTestId('tab-dashboard').click();
    await byTestId('training-curves').waitFor();
    await byTestId('sweep-start').click();
    await byTestId('fit-summary').waitFor({ timeout: RUN_TIMEOUT });
    const report = JSON.parse(
      readFileSync(join(projectDir, 'analyses', `sweep-${firstRunId}`, 'sweep.json'), 'utf8'),
    ) as SweepReportDto;
    const points = report.checkpoints.map((c) => ({ step: c.step, tc: c.tc }));
    const shown = async (): Promise<string> => ((await byTestId('fit-exponent').textContent()) ?? '').trim();
    const expected = fitPowerLaw(points).fit!;
    expect(await shown()).toBe(
      `${expected.exponent.toPrecision(4)} ± ${expected.exponentStderr!.toPrecision(4)}`,
    );
    await screenshot('07-dashboard');

    // Move the first handle halfway: the exponent is core/sweep's fit over that window.
    const steps = points.map((p) => p.step).filter((t) => t > 0);
    const half = Math.floor((steps.length - 1) / 2);
    await byTestId('window-from-range').fill(String(half));
    await expect.poll(() => byTestId('window-from').textContent()).toBe(String(steps[half]));
    const windowed = fitPowerLaw(points, { kind: 'steps', from: steps[half], to: null }).fit!;
    await expect
      .poll(shown)
      .toBe(`${windowed.exponent.toPrecision(4)} ± ${windowed.exponentStderr!.toPrecision(4)}`);
    await screenshot('08-dashboard-window');

    // Chart update time in Chromium (issue 6: < 200 ms): move the handle, then wait two animation
    // frames — Vue patches the DOM and ECharts draws in the first frame after the change.
    const timings = await page.evaluate(async (last: number) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="window-from-range"]')!;
      const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
      const out: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        input.value = String(i % 2 === 0 ? 0 : Math.floor(last / 3));
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await frame();
        await frame();
        out.push(performance.now() - t0);
      }
      return out;
    }, steps.length - 1);
    const median = [...timings].sort((a, b) => a - b)[Math.floor(timings.length / 2)];
    console.log(
      `dashboard: re-fit + T_c(t) chart update ${median.toFixed(0)} ms median, ${Math.max(...timings).toFixed(0)} ms max (${steps.length} checkpoints)`,
    );
    // Generous bound for a loaded CI machine; the median is reported above.
    expect(median).toBeLessThan(1000);
  });

  it("opens a checkpoint's λ_min(T), computes its spectrum, and walks through training with the arrows", async () => {
    await byTestId('tab-checkpoints').click();
    const rows = byTestId('checkpoint-row');
    const last = rows.last();
    const step = await last.getAttribute('data-step');
    await byTestId('checkpoint-select', last).click();
    await expect.poll(() => byTestId('detail-step').textContent()).toBe(step);
    const report = JSON.parse(
      readFileSync(join(projectDir, 'analyses', `sweep-${firstRunId}`, 'sweep.json'), 'utf8'),
    ) as SweepReportDto;
    const tc = report.checkpoints.find((c) => c.step === Number(step))!.tc;
    await expect.poll(() => byTestId('detail-tc').textContent({ timeout: 30_000 })).toBe(tc.toPrecision(4));
    await byTestId('detail-spectrum-start').click();
    await expect.poll(() => byTestId('layer-row').count(), { timeout: RUN_TIMEOUT }).toBe(2);
    await screenshot('09-checkpoint-detail');

    await byTestId('checkpoints-scroll').focus();
    await page.keyboard.press('ArrowUp');
    const previous = await rows.nth((await rows.count()) - 2).getAttribute('data-step');
    await expect.poll(() => byTestId('detail-step').textContent()).toBe(previous);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => byTestId('detail-step').textContent()).toBe(step);
  });

  it('computes the phase diagram, exports it, and opens a checkpoint from a cell', async () => {
    await byTestId('tab-phase').click();
    await byTestId('phase-checkpoints').fill('8');
    await byTestId('phase-temperatures').fill('8');
    await byTestId('phase-starts').fill('8');
    await byTestId('phase-start').click();
    await byTestId('phase-summary').waitFor({ timeout: RUN_TIMEOUT });
    expect(await byTestId('phase-summary').textContent()).toMatch(
      /8 checkpoints × 8 temperatures, 8 TAP starts/,
    );
    await screenshot('10-phase-diagram');

    for (const format of ['svg', 'png'] as const) {
      const download = page.waitForEvent('download');
      await byTestId(`export-${format}`).first().click();
      const file = join(ARTIFACTS, `phase-diagram.${format}`);
      await (await download).saveAs(file);
      const head = readFileSync(file).subarray(0, 8);
      if (format === 'png') expect([...head]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      else expect(head.toString()).toMatch(/^<svg /);
    }

    // A click in the middle of the plot lands on a cell: its checkpoint opens.
    const chart = byTestId('chart-panel').first().locator('.chart');
    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.6);
    await expect.poll(() => byTestId('tab-checkpoints').getAttribute('aria-selected')).toBe('true');
    await byTestId('checkpoint-detail').waitFor();
    await screenshot('11-checkpoint-from-phase-diagram');
  });

  it('computes spectra across training and walks through them with the slider', async () => {
    await byTestId('tab-spectra').click();
    await byTestId('spectra-count').fill('5');
    await byTestId('spectra-start').click();
    // Step 188 has its spectrum already (computed in the checkpoint browser): four more.
    await expect
      .poll(() => byTestId('spectra-slider').getAttribute('max'), { timeout: RUN_TIMEOUT })
      .toBe('4');
    await byTestId('spectra-slider').fill('4');
    await expect.poll(() => byTestId('spectra-step').textContent()).toMatch(/^step [1-9]\d*$/);
    await screenshot('12-spectrum-evolution');
  });

  it("runs a checkpoint's Monte Carlo check and shows its charts and T_c next to TAP's", async () => {
    await byTestId('tab-checkpoints').click();
    const last = byTestId('checkpoint-row').last();
    const step = Number(await last.getAttribute('data-step'));
    await byTestId('checkpoint-select', last).click();
    await expect.poll(() => byTestId('detail-step').textContent()).toBe(String(step));
    await byTestId('montecarlo-start').click();
    await byTestId('montecarlo-tc').waitFor({ timeout: RUN_TIMEOUT });
    const file = join(
      projectDir,
      'analyses',
      `montecarlo-${firstRunId}`,
      `step-${String(step).padStart(6, '0')}.json`,
    );
    const report = JSON.parse(readFileSync(file, 'utf8')) as MonteCarloDto['report'];
    // The default ladder: 16 temperatures from 0.5 to 2 × the TAP T_c of the sweep.
    const sweep = JSON.parse(
      readFileSync(join(projectDir, 'analyses', `sweep-${firstRunId}`, 'sweep.json'), 'utf8'),
    ) as SweepReportDto;
    const tc = sweep.checkpoints.find((c) => c.step === step)!.tc;
    expect(report.settings).toMatchObject({ temperatures: 16, tMin: 0.5 * tc, tMax: 2 * tc });
    const shownTc = ((await byTestId('montecarlo-tc').textContent()) ?? '').trim();
    if (report.tc.estimate === null) expect(shownTc).toMatch(/^—/);
    else expect(shownTc).toBe(report.tc.estimate.toPrecision(4));
    expect(((await byTestId('montecarlo-tap-tc').textContent()) ?? '').trim()).toBe(
      `${report.tc.tap!.tc.toPrecision(4)} (${report.tc.tap!.phase})`,
    );
    // Four observables against T, P(q) and the swap acceptance, each drawn as an SVG chart.
    const charts = page.locator('[data-testid="montecarlo"] [data-testid="chart-panel"]');
    expect(await charts.count()).toBe(6);
    await expect
      .poll(() => charts.evaluateAll((els) => els.every((e) => e.querySelector('svg') !== null)))
      .toBe(true);
    await byTestId('montecarlo').scrollIntoViewIfNeeded();
    await screenshot('13-montecarlo-check');
  });

  it('follows the OS into the dark theme, charts included', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await byTestId('tab-dashboard').click();
    await byTestId('fit-summary').waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
      'rgb(13, 17, 23)',
    );
    // The T_c(t) chart is redrawn on the dark chart background (charts/style.ts DARK).
    await expect
      .poll(() => byTestId('chart-panel').nth(1).locator('svg > rect').first().getAttribute('fill'))
      .toBe('#161b22');
    await screenshot('14-dark-dashboard');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('imports a PyTorch export, shows its report and analyses it; an unsupported graph is explained', async () => {
    await byTestId('open-import').click();
    const fixture = join(ROOT, 'test/fixtures/onnx/gemm_bias_relu');
    await byTestId('import-path').fill(join(fixture, 'model.onnx'));
    await byTestId('import-submit').click();
    await byTestId('model-report').waitFor({ timeout: RUN_TIMEOUT });
    const modelId = (await byTestId('model-report').getAttribute('data-model-id'))!;
    // The report shows the import record the worker wrote (models/<id>/model.json).
    const record = JSON.parse(readFileSync(join(projectDir, 'models', modelId, 'model.json'), 'utf8')) as {
      evaluation: { accuracy: number; samples: number; consistency: number };
    };
    expect(await byTestId('model-layer-widths').allTextContents()).toEqual([
      '784 → 40',
      '40 → 24',
      '24 → 10',
    ]);
    expect((await byTestId('model-layer-stored').allTextContents()).map((t) => t.trim().slice(0, 9))).toEqual(
      ['[out, in]', '[out, in]', '[out, in]'],
    );
    expect(((await byTestId('model-accuracy').textContent()) ?? '').trim()).toBe(
      `${(record.evaluation.accuracy * 100).toFixed(2)} % on ${record.evaluation.samples} images`,
    );
    // PyTorch's own accuracy of this export (expected.json): onnxruntime agrees.
    const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8')) as {
      accuracy: number;
      tap: { tc: number };
    };
    expect(Math.abs(record.evaluation.accuracy - expected.accuracy)).toBeLessThan(5e-4);
    expect(await byTestId('model-consistency').textContent()).toContain(
      record.evaluation.consistency.toExponential(2),
    );
    expect(await page.locator(`[data-testid="model-row"][data-model-id="${modelId}"]`).count()).toBe(1);
    await screenshot('15-import-report');

    await byTestId('model-analyse').click();
    await byTestId('model-tc').waitFor({ timeout: RUN_TIMEOUT });
    // T_c of the numpy/scipy reference of this fixture.
    expect(((await byTestId('model-tc').textContent()) ?? '').trim()).toBe(expected.tap.tc.toPrecision(4));
    await expect
      .poll(() => page.locator('[data-testid="model-report"] [data-testid="chart-panel"] svg').count())
      .toBe(1);
    await screenshot('16-import-analysed');

    // From the browser's file chooser: uploaded over the WebSocket, then imported. This export is
    // MatMul(x, W) with its weights stored [in, out].
    await byTestId('import-file').setInputFiles(
      join(ROOT, 'test/fixtures/onnx/matmul_add_3d_tanh_softmax/model.onnx'),
    );
    await expect
      .poll(() => byTestId('model-report').getAttribute('data-model-id'), { timeout: RUN_TIMEOUT })
      .not.toBe(modelId);
    expect(await byTestId('model-layer-widths').allTextContents()).toEqual([
      '784 → 32',
      '32 → 16',
      '16 → 10',
    ]);
    expect((await byTestId('model-layer-stored').allTextContents()).map((t) => t.trim())).toEqual([
      '[in, out]',
      '[in, out]',
      '[in, out]',
    ]);
    expect(await byTestId('model-report').textContent()).toContain('uploaded model.onnx');
    await screenshot('17-import-uploaded');

    await byTestId('import-path').fill(join(ROOT, 'test/fixtures/onnx/err_conv/model.onnx'));
    await byTestId('import-submit').click();
    await byTestId('import-error').waitFor({ timeout: RUN_TIMEOUT });
    expect(await byTestId('import-error-message').textContent()).toContain('Conv');
    expect(await byTestId('import-supported').textContent()).toContain('Gemm or MatMul');
    await screenshot('18-import-unsupported');
  });

  it('compares two checkpoints of the first run, then a checkpoint with the imported model', async () => {
    await page.keyboard.press('Control+K');
    await byTestId('compare-results').waitFor({ timeout: 30_000 });
    const pickStep = async (side: 'a' | 'b'): Promise<number> =>
      Number(/@(\d+)$/.exec(await byTestId(`compare-pick-${side}`).inputValue())![1]);
    const [stepA, stepB] = [await pickStep('a'), await pickStep('b')];
    expect(stepA).toBe(0);
    expect(stepB).toBeGreaterThan(0);
    const sweep = JSON.parse(
      readFileSync(join(projectDir, 'analyses', `sweep-${firstRunId}`, 'sweep.json'), 'utf8'),
    ) as SweepReportDto;
    const tcOf = (step: number): number => sweep.checkpoints.find((c) => c.step === step)!.tc;
    const row = page.locator('[data-testid="compare-metric-row"][data-metric="tc"]');
    const diff = tcOf(stepB) - tcOf(stepA);
    await expect
      .poll(async () => (await row.locator('td').allTextContents()).map((t) => t.trim()))
      .toEqual([
        tcOf(stepA).toPrecision(4),
        tcOf(stepB).toPrecision(4),
        `${diff > 0 ? '+' : ''}${diff.toPrecision(4)}`,
      ]);
    // Both histograms of W1 count all 784 × 32 weights.
    await expect
      .poll(() => byTestId('compare-weight-counts').first().textContent())
      .toMatch(new RegExp(`^A: ${784 * 32} weights.*B: ${784 * 32} weights`));
    await screenshot('19-compare-checkpoints');

    const model = (await page.locator('[data-testid="model-row"]').first().getAttribute('data-model-id'))!;
    await byTestId('compare-pick-b').selectOption(`model:${model}`);
    // B is now the model analysed above: its T_c is the reference's.
    const expected = JSON.parse(
      readFileSync(join(ROOT, 'test/fixtures/onnx/gemm_bias_relu/expected.json'), 'utf8'),
    ) as { tap: { tc: number } };
    await expect
      .poll(async () => (await row.locator('td').nth(1).textContent())?.trim())
      .toBe(expected.tap.tc.toPrecision(4));
    await screenshot('20-compare-checkpoint-model');
    // Back to the run's views.
    await byTestId('run-select', runRow(firstRunId)).click();
    await byTestId('tab-checkpoints').waitFor();
  });

  it('showed no API error, console error or CSP violation along the way', async () => {
    expect(await byTestId('error-banner').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
