import { describe, expect, it } from 'vitest';
import { analyzeRbmi } from './rbmi.ts';
import type { RbmiOptions } from './rbmi.ts';
import { parseTable } from './table.ts';
import { readReferenceTable } from './testing.ts';

const data = readReferenceTable('antidepressant.csv');
const ice = readReferenceTable('antidepressant-ice.csv');
const options: RbmiOptions = {
  subject: 'PATIENT', visit: 'VISIT', outcome: 'CHANGE', arm: 'THERAPY', control: 'PLACEBO', baseline: 'BASVAL', ice, strategy: 'JR',
};
const lastContrast = (result: Awaited<ReturnType<typeof analyzeRbmi>>) => result.contrasts[result.contrasts.length - 1];

describe('analyzeRbmi', () => {
  it('delta moves the drug arm\'s imputed values: the estimates move linearly, by less than delta', async () => {
    const [plain, one, two] = await Promise.all([0, 1, 2].map((delta) => analyzeRbmi(data, { ...options, delta })));
    const move = lastContrast(two).estimate - lastContrast(plain).estimate;
    // 20 of the 84 DRUG patients have week 6 imputed: about 2 * 20 / 84.
    expect(move).toBeGreaterThan(0.3);
    expect(move).toBeLessThan(2);
    expect(move).toBeCloseTo(2 * (lastContrast(one).estimate - lastContrast(plain).estimate), 10);
    expect(two.delta_arm).toBe('DRUG');
  });

  it('the tipping point is where the interval reaches zero, as a run at that delta confirms', async () => {
    const result = await analyzeRbmi(data, { ...options, tippingPoint: true });
    const tipping = result.tipping_point;
    expect(tipping?.significant).toBe(true);
    const delta = tipping?.delta as number;
    expect(delta).toBeGreaterThan(0);
    const at = lastContrast(await analyzeRbmi(data, { ...options, delta }));
    expect(at.upper).toBeCloseTo(0, 8);
    expect(at.p).toBeCloseTo(0.05, 8);
  });

  it('the bootstrap is reproducible from its seed and close to the jackknife', async () => {
    const bootstrap = { ...options, method: 'bootstrap' as const, samples: 40, seed: 7 };
    const [first, again, other] = await Promise.all([analyzeRbmi(data, bootstrap), analyzeRbmi(data, bootstrap), analyzeRbmi(data, { ...bootstrap, seed: 8 })]);
    expect(first).toEqual(again);
    expect(lastContrast(first).se).not.toBe(lastContrast(other).se);
    expect(first.method).toBe('condmean-bootstrap');
    // Same estimate; an SE from 40 resamples within 40% of the jackknife's 0.858.
    expect(lastContrast(first).estimate).toBeCloseTo(-2.12558, 4);
    expect(Math.abs(lastContrast(first).se / 0.858 - 1)).toBeLessThan(0.4);
  });

  it('takes a strategy per event from the file\'s strategy column', async () => {
    const mixed = parseTable(`PATIENT,VISIT,strategy\n${ice.rows.map((row, k) => `${row.cells[0]},${row.cells[1]},${k % 2 === 0 ? 'CR' : ''}`).join('\n')}\n`);
    const result = await analyzeRbmi(data, { ...options, ice: mixed });
    expect(result.strategies).toEqual({ CR: 22, JR: 21 });
  });

  it('refuses what it cannot do, naming the option', async () => {
    const iceOf = (text: string) => parseTable(`PATIENT,VISIT\n${text}\n`);
    await expect(analyzeRbmi(data, { ...options, ice: iceOf('9999,5') })).rejects.toThrow('--ice: line 2: subject "9999" is not in the data');
    await expect(analyzeRbmi(data, { ...options, ice: iceOf('1513,9') })).rejects.toThrow('--ice: line 2: visit "9" is not one of 4, 5, 6, 7');
    await expect(analyzeRbmi(data, { ...options, strategy: 'LMCF', ice: iceOf('1513,4') })).rejects.toThrow(/--ice: LMCF needs a visit before the event/);
    await expect(analyzeRbmi(data, { ...options, reference: 'NONE' })).rejects.toThrow('--reference: arm "NONE" does not occur');
    const gap = parseTable(data.rows.slice(1).map((row) => row.cells.join(',')).reduce((text, line) => `${text}${line}\n`, `${data.header.join(',')}\n`));
    await expect(analyzeRbmi(gap, options)).rejects.toThrow(/--visit: subject "1503" has no row at VISIT "4"/);
  });
});
