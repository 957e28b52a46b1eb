import { describe, expect, it } from 'vitest';
import { buildDesign, factorVariable } from './design.ts';
import type { Variable } from './design.ts';
import { contrastRow, lsmeanRow } from './emmeans.ts';
import { StatsError } from './errors.ts';

const numeric = (name: string, values: number[]): Variable => ({ kind: 'numeric', name, values: Float64Array.from(values) });
const labels = (design: ReturnType<typeof buildDesign>) => design.columns.map((c) => c.label);

describe('factorVariable', () => {
  it('sorts levels by code point and moves the reference first', () => {
    const arm = factorVariable('arm', ['b', 'a', 'ctl', 'a']);
    expect(arm.levels).toEqual(['a', 'b', 'ctl']);
    const controlled = factorVariable('arm', ['b', 'a', 'ctl'], { reference: 'ctl' });
    expect([...controlled.levels, ...controlled.codes]).toEqual(['ctl', 'a', 'b', 2, 1, 0]);
  });
  it('refuses a reference level that does not occur', () => {
    expect(() => factorVariable('arm', ['a', 'b'], { reference: 'placebo' })).toThrow(/arm: level "placebo" does not occur \(levels: a, b\)/);
  });
});

describe('buildDesign', () => {
  const visit = factorVariable('visit', ['v1', 'v2', 'v3', 'v1', 'v2', 'v3', 'v1', 'v2', 'v3', 'v1', 'v2', 'v3'], { levels: ['v1', 'v2', 'v3'] });
  const arm = factorVariable('arm', ['c', 'c', 'c', 't', 't', 't', 'c', 'c', 'c', 't', 't', 't']);
  const base = numeric('base', [1, 1, 1, 2, 2, 2, 4, 4, 4, 3, 3, 3]);

  it('codes terms as R: main effects before interactions, contrasts when the margin is in the model', () => {
    const design = buildDesign({ variables: [arm, visit, base], terms: [['base'], ['base', 'visit'], ['arm'], ['visit'], ['arm', 'visit']] });
    expect(labels(design)).toEqual([
      '(Intercept)', 'base', 'arm[t]', 'visit[v2]', 'visit[v3]',
      'base:visit[v2]', 'base:visit[v3]', 'arm[t]:visit[v2]', 'arm[t]:visit[v3]',
    ]);
    expect(design.aliased).toEqual([]);
    expect(design.terms.map((t) => t.name)).toEqual(['base', 'arm', 'visit', 'base:visit', 'arm:visit']);
  });

  it('codes a factor by indicators of every level when its margin is absent (x:visit without x)', () => {
    const design = buildDesign({ variables: [visit, base], terms: [['visit'], ['base', 'visit']] });
    expect(labels(design)).toEqual(['(Intercept)', 'visit[v2]', 'visit[v3]', 'base:visit[v1]', 'base:visit[v2]', 'base:visit[v3]']);
  });

  it('drops an aliased column, names it, and keeps estimable functions usable', () => {
    // "site" is nested in arm: site s2 is exactly the t arm, so site[s2] duplicates arm[t].
    const site = factorVariable('site', ['s1', 's1', 's1', 's2', 's2', 's2', 's1', 's1', 's1', 's2', 's2', 's2']);
    const design = buildDesign({ variables: [arm, visit, site], terms: [['arm'], ['visit'], ['site']] });
    expect(design.aliased).toEqual([{ term: 'site', label: 'site[s2]' }]);
    expect(design.p).toBe(4);
    // The visit contrast is estimable; an arm contrast averaged over sites is not (as emmeans: NA).
    const visitContrast = contrastRow(design, { visit: 'v2' }, { visit: 'v1' });
    expect(Array.from(design.reduce(visitContrast, 'v2 - v1'))).toEqual([0, 0, 1, 0]);
    expect(() => design.reduce(contrastRow(design, { arm: 't' }, { arm: 'c' }), 't - c')).toThrow(
      /cannot estimate t - c: aliased: site\[s2\]/,
    );
  });

  it('reports an empty cell of a factor:factor interaction by term and level', () => {
    // No t at v3: arm[t]:visit[v3] is all zeros.
    const rows = [0, 1, 2, 3, 4, 6, 7, 8, 9, 10];
    const pick = (v: Variable): Variable =>
      v.kind === 'factor' ? { ...v, codes: Int32Array.from(rows, (r) => v.codes[r]) } : { ...v, values: Float64Array.from(rows, (r) => v.values[r]) };
    const design = buildDesign({ variables: [pick(arm), pick(visit)], terms: [['arm'], ['visit'], ['arm', 'visit']] });
    expect(design.aliased.map((c) => c.label)).toEqual(['arm[t]:visit[v3]']);
    expect(() => design.reduce(lsmeanRow(design, { arm: 't', visit: 'v3' }), 'the LS mean of t at v3')).toThrow(StatsError);
    expect(design.isEstimable(lsmeanRow(design, { arm: 't', visit: 'v2' }))).toBe(true);
  });
});
