/**
 * The Monte Carlo reports the renderer tests show (test/fixtures/montecarlo/) are what the sampler
 * gives today for their network, ladder and seed: a run is reproducible from its seed, so a
 * difference means the sampler or the report changed and the fixtures must be written again
 * (`npx tsx test/fixtures/montecarlo/generate.ts`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, fixtureReports } from '../../fixtures/montecarlo/generate.ts';

describe('Monte Carlo report fixtures', () => {
  it('equal a fresh run with the same settings and seed', async () => {
    const fresh = await fixtureReports();
    for (const [name, report] of Object.entries(fresh)) {
      const stored: unknown = JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8'));
      expect(stored, `${name}.json is stale: run npx tsx test/fixtures/montecarlo/generate.ts`).toEqual(
        JSON.parse(JSON.stringify(report)),
      );
    }
    // What the renderer tests rely on: one ladder brackets the χ_m peak, the other misses it.
    expect(fresh.around.tc.estimate).not.toBeNull();
    expect(fresh.below.tc.estimate).toBeNull();
    expect(fresh.below.warnings.join(' ')).toMatch(/hot end of the ladder/);
  });
});
