import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDesign, factorVariable } from './design.ts';
import { contrastRow, lsmeanRow, typeIIIHypotheses, withInterval } from './emmeans.ts';
import { fitOls } from './ols.ts';
import { parseTable } from './table.ts';
import { referenceDirectory } from './testing.ts';

const anorexia = parseTable(readFileSync(new URL('anorexia.csv', referenceDirectory), 'utf8'));
const column = (name: string) => anorexia.rows.map((row) => row.cells[anorexia.header.indexOf(name)]);
const numeric = (name: string) => ({ kind: 'numeric' as const, name, values: Float64Array.from(column(name), Number) });

describe('OLS on anorexia (R: lm(Postwt ~ Prewt + Treat))', () => {
  const design = buildDesign({
    variables: [numeric('Prewt'), factorVariable('Treat', column('Treat'), { reference: 'Cont' })],
    terms: [['Prewt'], ['Treat']],
  });
  const fit = fitOls(design.X, design.n, design.p, numeric('Postwt').values);

  it('matches summary(lm): sigma and residual df', () => {
    expect(fit.residualDf).toBe(68);
    expect(fit.sigma).toBeCloseTo(6.978183039175, 11);
  });

  it('matches emmeans: LS mean of CBT and CBT - Cont to 1e-10', () => {
    const lsmean = withInterval(fit.estimate(design.reduce(lsmeanRow(design, { Treat: 'CBT' }), 'CBT')));
    expect(lsmean.estimate).toBeCloseTo(85.5743283143094, 10);
    expect(lsmean.se).toBeCloseTo(1.29660917344949, 10);
    expect(lsmean.lower).toBeCloseTo(82.986984992484, 10);
    const contrast = withInterval(fit.estimate(design.reduce(contrastRow(design, { Treat: 'CBT' }, { Treat: 'Cont' }), 'CBT - Cont')));
    expect(contrast.estimate).toBeCloseTo(4.0970655280729, 10);
    expect(contrast.p).toBeCloseTo(0.0339993147202626, 10);
  });

  it('type III F for Treat equals the F of dropping Treat from the model', () => {
    const treat = typeIIIHypotheses(design).find((h) => h.term === 'Treat');
    const test = fit.fTest(treat!.rows.map((row) => design.reduce(row, 'Treat')));
    const reduced = buildDesign({ variables: [numeric('Prewt')], terms: [['Prewt']] });
    const reducedFit = fitOls(reduced.X, reduced.n, reduced.p, numeric('Postwt').values);
    const fDrop = (reducedFit.rss - fit.rss) / 2 / (fit.rss / fit.residualDf);
    expect(test.numDf).toBe(2);
    expect(test.denDf).toBe(68);
    expect(test.f).toBeCloseTo(fDrop, 9);
  });

  it('-2 log-likelihood is that of logLik.lm', () => {
    const n = 72;
    expect(fit.neg2LogLik).toBeCloseTo(n * (Math.log(2 * Math.PI) + Math.log(fit.rss / n) + 1), 10);
  });
});
