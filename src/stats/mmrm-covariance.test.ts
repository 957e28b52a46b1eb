import { describe, expect, it } from 'vitest';
import { covarianceJacobian, covarianceModel, covarianceSecondDerivatives, covarianceStructures } from './mmrm-covariance.ts';
import type { CovarianceStructure } from './mmrm-covariance.ts';

const t = 4;
const theta = (n: number) => Float64Array.from({ length: n }, (_, i) => 0.3 * Math.sin(i + 1));
const rho = (x: number) => x / Math.sqrt(1 + x * x);

describe('covariance structures follow mmrm\'s definitions', () => {
  it('us: Sigma = L L\' with L[i][i] = exp(theta_i), L[i][j] = exp(theta_i) theta_k row by row', () => {
    const model = covarianceModel('us', 2);
    const sigma = model.covariance(Float64Array.from([Math.log(2), Math.log(3), 0.5]));
    // L = [[2, 0], [1.5, 3]]
    [4, 3, 3, 1.5 * 1.5 + 9].forEach((v, k) => expect(sigma[k]).toBeCloseTo(v, 14));
  });

  it('ad: sigma^2 times the product of the correlations between the visits', () => {
    const th = Float64Array.from([Math.log(2), 0.4, -0.7, 1.1]);
    const sigma = covarianceModel('ad', t).covariance(th);
    expect(sigma[0 * t + 3]).toBeCloseTo(4 * rho(0.4) * rho(-0.7) * rho(1.1), 14);
    expect(sigma[2 * t + 1]).toBeCloseTo(4 * rho(-0.7), 14);
  });

  it('toeph: sd_i sd_j rho_|i-j|', () => {
    const th = Float64Array.from([0, 0.1, 0.2, 0.3, 0.5, -0.2, 0.1]);
    const sigma = covarianceModel('toeph', t).covariance(th);
    expect(sigma[3 * t + 1]).toBeCloseTo(Math.exp(0.3 + 0.1) * rho(-0.2), 14);
    expect(sigma[2 * t + 2]).toBeCloseTo(Math.exp(0.4), 14);
  });

  it('ar1h, csh: sd_i sd_j rho^|i-j| and sd_i sd_j rho (cs\'s rho = invlogit(theta) (1 + a) - a, a = 1 / (t - 1))', () => {
    const th = Float64Array.from([0, 0.1, 0.2, 0.3, 0.8]);
    expect(covarianceModel('ar1h', t).covariance(th)[3 * t + 0]).toBeCloseTo(Math.exp(0.3) * rho(0.8) ** 3, 14);
    const csRho = (1 / (1 + Math.exp(-0.8))) * (4 / 3) - 1 / 3;
    expect(covarianceModel('csh', t).covariance(th)[3 * t + 0]).toBeCloseTo(Math.exp(0.3) * csRho, 14);
  });

  it('sp_exp: exp(theta_0) rho^|c_a - c_b| at the visits\' coordinates, rho = invlogit(theta_1)', () => {
    const coordinates = Float64Array.from([0, 1.5, 4]);
    const sigma = covarianceModel('sp_exp', 3, coordinates).covariance(Float64Array.from([Math.log(2), 0.4]));
    const rhoOf = 1 / (1 + Math.exp(-0.4));
    expect(sigma[2 * 3 + 1]).toBeCloseTo(2 * rhoOf ** 2.5, 14);
    expect(sigma[0]).toBeCloseTo(2, 14);
  });

  it('the Jacobian and second derivatives of Sigma match differences of Sigma', () => {
    const model = covarianceModel('toeph', t);
    const th = theta(model.nTheta);
    const jacobian = covarianceJacobian(model, th);
    const second = covarianceSecondDerivatives(model, th);
    const h = 1e-5;
    const shifted = (j: number, by: number) => {
      const x = th.slice();
      x[j] += by;
      return model.covariance(x);
    };
    for (let j = 0; j < model.nTheta; j++) {
      const [up, down, centre] = [shifted(j, h), shifted(j, -h), model.covariance(th)];
      jacobian[j].forEach((v, e) => expect(v).toBeCloseTo((up[e] - down[e]) / (2 * h), 8));
      second[j * model.nTheta + j].forEach((v, e) => expect(v).toBeCloseTo((up[e] - 2 * centre[e] + down[e]) / (h * h), 4));
    }
  });

  it('refuses an unknown structure and a structure that needs more visits', () => {
    expect(() => covarianceModel('un' as CovarianceStructure, 3)).toThrow(/unknown covariance structure un/);
    expect(() => covarianceModel('ar1', 1)).toThrow(/needs at least two visits/);
    expect(covarianceModel('us', 1).nTheta).toBe(1);
  });

  it('has mmrm\'s number of parameters', () => {
    const counts = covarianceStructures.map((s) => covarianceModel(s, t).nTheta);
    // us cs csh ar1 ar1h toep toeph ad adh sp_exp
    expect(counts).toEqual([10, 2, 5, 2, 5, 4, 7, 4, 7, 2]);
  });

  for (const structure of covarianceStructures) {
    it(`${structure}: gradient of <Sigma(theta), G> matches central differences`, () => {
      const model = covarianceModel(structure, t);
      const th = theta(model.nTheta);
      const g = Float64Array.from({ length: t * t }, (_, k) => {
        const [a, b] = [Math.floor(k / t), k % t];
        return Math.cos(a + b) + 0.1 * a * b;
      });
      const inner = (x: Float64Array) => model.covariance(x).reduce((s, v, k) => s + v * g[k], 0);
      const analytic = model.innerProductGradient(th, g);
      const h = 1e-6;
      for (let j = 0; j < model.nTheta; j++) {
        const up = th.slice();
        up[j] += h;
        const down = th.slice();
        down[j] -= h;
        const numeric = (inner(up) - inner(down)) / (2 * h);
        expect(Math.abs(analytic[j] - numeric)).toBeLessThan(1e-7 * Math.max(1, Math.abs(numeric)));
      }
    });

    it(`${structure}: starting values reproduce a covariance of that structure`, () => {
      const model = covarianceModel(structure, t);
      const target = model.covariance(theta(model.nTheta));
      const start = model.covariance(model.startingTheta(target));
      if (structure === 'us' || structure === 'ad' || structure === 'adh') {
        start.forEach((v, k) => expect(v).toBeCloseTo(target[k], 10));
      } else {
        // Correlations are averaged by lag (ar1, toep) or kept away from the boundary (cs: the
        // negative correlation here is clamped), so only the variances are reproduced exactly.
        for (let a = 0; a < t; a++) expect(start[a * t + a]).toBeCloseTo(target[a * t + a], 10);
      }
    });
  }
});
