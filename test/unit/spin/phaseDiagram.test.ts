/**
 * The phase diagram over (checkpoint, T) (phaseDiagram.ts): paramagnet above each checkpoint's T_c,
 * glass or hidden order below, and a result that survives JSON unchanged.
 */
import { describe, expect, it } from 'vitest';
import { BondMatrix } from '../../../src-main/core/spin/bondMatrix.ts';
import { PHASE_DIAGRAM_SCHEMA, phaseDiagram } from '../../../src-main/core/spin/phaseDiagram.ts';
import { glassNetwork, withSpike } from '../../helpers/spinNetworks.ts';

const LAYERS = [120, 80, 80, 40];

describe('phase diagram over (checkpoint, T)', () => {
  const random = glassNetwork(LAYERS, 3);
  const trained = withSpike(random, 3).network;

  it('on an absolute T grid: a random net is paramagnet above its T_c and glass below; a spiked one is in hidden order up to its higher T_c', () => {
    const grid = [6, 2, 0.7];
    const d = phaseDiagram(
      [
        { step: 0, network: random },
        { step: 1000, bond: BondMatrix.fromNetwork(trained) },
      ],
      { temperatures: grid },
      { starts: 6 },
    );
    expect(d.schema).toBe(PHASE_DIAGRAM_SCHEMA);
    expect(d.grid).toEqual({ kind: 'absolute', values: grid });
    const [early, late] = d.checkpoints;
    expect(early.step).toBe(0);
    expect(early.hessianPhase).toBe('glass');
    expect(early.tc).toBeGreaterThan(1);
    expect(early.tc).toBeLessThan(1.6);
    expect(late.hessianPhase).toBe('ordered');
    expect(late.tc).toBeGreaterThan(4);
    expect(late.tc).toBeLessThan(6);
    expect(early.cells.map((c) => c.T)).toEqual(grid);
    expect(early.cells.map((c) => c.phase)).toEqual(['paramagnet', 'paramagnet', 'glass']);
    expect(late.cells.map((c) => c.phase)).toEqual(['paramagnet', 'hiddenOrder', 'hiddenOrder']);
    for (const c of late.cells.slice(1)) {
      expect(c.converged).toBe(6);
      expect(c.clusters).toHaveLength(1);
      expect(c.dominantShare).toBe(1);
    }
    expect(late.cells[0].relativeT).toBeCloseTo(6 / late.tc, 12);
    // plain data: JSON round trip gives the same object
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(d.settings.starts).toBe(6);
  });

  it('on a relative grid: each checkpoint at fractions of its own T_c', () => {
    const d = phaseDiagram([{ step: 5, network: trained }], { fractionsOfTc: [1.2, 0.7] }, { starts: 4 });
    expect(d.grid).toEqual({ kind: 'relative', values: [1.2, 0.7] });
    const row = d.checkpoints[0];
    expect(row.cells.map((c) => c.relativeT)).toEqual([expect.closeTo(1.2, 12), expect.closeTo(0.7, 12)]);
    expect(row.cells.map((c) => c.phase)).toEqual(['paramagnet', 'hiddenOrder']);
  });

  it('refuses an empty list of checkpoints or temperatures, and a cancel stops it', () => {
    expect(() => phaseDiagram([], { temperatures: [1] })).toThrow(/no checkpoint/);
    expect(() => phaseDiagram([{ step: 0, network: random }], { temperatures: [] })).toThrow(/grid is empty/);
    const ac = new AbortController();
    ac.abort();
    expect(() =>
      phaseDiagram([{ step: 0, network: random }], { temperatures: [1] }, { signal: ac.signal }),
    ).toThrow(/cancelled/);
  });
});
