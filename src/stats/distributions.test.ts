import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf, chiSquareUpper, fisherFCdf, fisherFUpper,
  standardNormalCdf, standardNormalQuantile, standardNormalUpper, studentTCdf, studentTQuantile,
  studentTTwoSided, studentTUpper,
} from './distributions.ts';

// Checked against closed forms: t with 1 df is Cauchy, t with 2 df is x / (2 sqrt(2 + x^2)) + 1/2,
// F(2, d) has upper tail (1 + 2x/d)^(-d/2), chi-square with 2 df is exponential with mean 2.
const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('distributions', () => {
  it('t: cdf, upper tail, two-sided p and quantile', () => {
    expect(studentTCdf(2, 1)).toBeCloseTo(0.5 + Math.atan(2) / Math.PI, 14);
    expect(studentTCdf(1.5, 2)).toBeCloseTo(0.5 + 1.5 / (2 * Math.sqrt(2 + 1.5 ** 2)), 14);
    expect(relative(studentTUpper(1e6, 1), 0.5 - Math.atan(1e6) / Math.PI)).toBeLessThan(1e-8);
    expect(studentTTwoSided(-3, 2)).toBeCloseTo(1 - 3 / Math.sqrt(11), 14);
    expect(studentTQuantile(0.5 + Math.atan(2) / Math.PI, 1)).toBeCloseTo(2, 12);
  });
  it('F: cdf and exact upper tail', () => {
    const upper = (x: number, d: number) => (1 + (2 * x) / d) ** (-d / 2);
    expect(fisherFCdf(3, 2, 20)).toBeCloseTo(1 - upper(3, 20), 14);
    expect(fisherFUpper(3, 2, 20)).toBeCloseTo(upper(3, 20), 14);
    // Far tail, where 1 - cdf would lose every digit.
    expect(relative(fisherFUpper(1e6, 2, 20), upper(1e6, 20))).toBeLessThan(1e-10);
    expect(fisherFUpper(0, 2, 20)).toBe(1);
  });
  it('chi-square: cdf and upper tail', () => {
    expect(chiSquareCdf(5, 2)).toBeCloseTo(1 - Math.exp(-2.5), 14);
    expect(chiSquareUpper(5, 2)).toBeCloseTo(Math.exp(-2.5), 14);
  });
  it('normal: cdf, upper tail and quantile', () => {
    expect(standardNormalCdf(0)).toBe(0.5);
    expect(standardNormalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(standardNormalUpper(1.959963984540054)).toBeCloseTo(0.025, 14);
    expect(standardNormalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
  });
});
