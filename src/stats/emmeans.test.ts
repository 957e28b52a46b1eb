import { describe, expect, it } from 'vitest';
import { buildDesign, factorVariable } from './design.ts';
import type { Variable } from './design.ts';
import { lsmeanRow, referencePoint, typeIIIHypotheses, withInterval } from './emmeans.ts';
import { fitOls } from './ols.ts';

// A small unbalanced two-way layout with a numeric covariate.
const arm = factorVariable('arm', ['c', 'c', 'c', 't', 't', 't', 'c', 'c', 't', 't', 'u', 'u', 'u', 'c', 't', 'u']);
const visit = factorVariable('visit', ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'c', 'b', 'c', 'a', 'b', 'c', 'b', 'a', 'a'], { levels: ['a', 'b', 'c'] });
const x: Variable = { kind: 'numeric', name: 'x', values: Float64Array.from([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3]) };
const y = Float64Array.from([10, 12, 15, 11, 16, 22, 9, 18, 14, 17, 12, 19, 24, 13, 12, 10]);
const design = buildDesign({ variables: [arm, visit, x], terms: [['x'], ['arm'], ['visit'], ['arm', 'visit']] });
const fit = fitOls(design.X, design.n, design.p, y);

describe('reference grid', () => {
  it('puts numerics at their mean and averages factors that are not fixed with equal weights', () => {
    const point = referencePoint(design, { arm: 't' });
    expect(point.get('x')).toBeCloseTo(80 / 16, 14);
    expect(Array.from(point.get('visit') as Float64Array)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(Array.from(point.get('arm') as Float64Array)).toEqual([0, 1, 0]);
  });

  it('an LS mean is the average of the cell predictions over the averaged factor', () => {
    const cells = ['a', 'b', 'c'].map((v) => fit.estimate(design.reduce(lsmeanRow(design, { arm: 'u', visit: v }), v)).estimate);
    const marginal = fit.estimate(design.reduce(lsmeanRow(design, { arm: 'u' }), 'u')).estimate;
    expect(marginal).toBeCloseTo((cells[0] + cells[1] + cells[2]) / 3, 12);
  });
});

describe('type III hypotheses', () => {
  const hypotheses = new Map(typeIIIHypotheses(design).map((h) => [h.term, h.rows]));

  it('have one row per degree of freedom of the term', () => {
    expect([...hypotheses].map(([term, rows]) => [term, rows.length])).toEqual([['x', 1], ['arm', 2], ['visit', 2], ['arm:visit', 4]]);
  });

  it('for the interaction, test exactly the interaction coefficients (any basis gives the same F)', () => {
    const interaction = design.columns.flatMap((column, j) => (column.term === 'arm:visit' ? [j] : []));
    const unitRows = interaction.map((j) => Float64Array.from({ length: design.p }, (_, k) => (k === j ? 1 : 0)));
    const typeIII = fit.fTest(hypotheses.get('arm:visit')!.map((row) => design.reduce(row, 'arm:visit')));
    expect(typeIII.f).toBeCloseTo(fit.fTest(unitRows).f, 10);
    expect(typeIII.numDf).toBe(4);
  });

  it('for a numeric covariate, test its slope averaged over the grid', () => {
    const slope = design.columns.findIndex((column) => column.label === 'x');
    const typeIII = fit.fTest(hypotheses.get('x')!.map((row) => design.reduce(row, 'x')));
    const t = withInterval(fit.estimate(Float64Array.from({ length: design.p }, (_, k) => (k === slope ? 1 : 0))));
    expect(typeIII.f).toBeCloseTo((t.estimate / t.se) ** 2, 10);
    expect(typeIII.p).toBeCloseTo(t.p, 10);
  });
});
