import { describe, expect, it } from 'vitest';
import { cholesky, logDetFromCholesky, spdInverse } from './linalg.ts';
import { covarianceModel, covarianceStructures } from './mmrm-covariance.ts';
import { MmrmLikelihood } from './mmrm-likelihood.ts';
import type { MmrmData } from './mmrm-likelihood.ts';

/** Small deterministic trial: 3 visits, intercept, arm, visit 2 and 3, a covariate; some visits missing. */
function smallTrial(): MmrmData {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const X: number[] = [];
  const y: number[] = [];
  const subject: number[] = [];
  const visit: number[] = [];
  for (let s = 0; s < 30; s++) {
    const arm = s % 2;
    const covariate = random() * 2 - 1;
    for (let v = 0; v < 3; v++) {
      if (v > 0 && random() < 0.2) continue;
      X.push(1, arm, v === 1 ? 1 : 0, v === 2 ? 1 : 0, covariate);
      y.push(50 + 2 * arm + v + covariate + 3 * random());
      subject.push(s);
      visit.push(v);
    }
  }
  return {
    X: Float64Array.from(X),
    p: 5,
    y: Float64Array.from(y),
    subject: Int32Array.from(subject),
    visit: Int32Array.from(visit),
    nVisits: 3,
  };
}

const data = smallTrial();
const thetaFor = (n: number) => Float64Array.from({ length: n }, (_, i) => 0.2 + 0.25 * Math.cos(2 * i + 1));

/** -2 log L computed directly, subject by subject, without sufficient statistics. */
function directObjective(sigma: Float64Array, reml: boolean): number {
  const { X, p, y, subject, nVisits: t } = data;
  const n = y.length;
  const bySubject = new Map<number, number[]>();
  subject.forEach((s, r) => bySubject.set(s, [...(bySubject.get(s) ?? []), r]));
  const xtwx = new Float64Array(p * p);
  const xtwy = new Float64Array(p);
  let ywy = 0;
  let logDet = 0;
  for (const rows of bySubject.values()) {
    const k = rows.length;
    const sub = Float64Array.from({ length: k * k }, (_, e) => sigma[data.visit[rows[Math.floor(e / k)]] * t + data.visit[rows[e % k]]]);
    logDet += logDetFromCholesky(cholesky(sub, k)!, k);
    const w = spdInverse(sub, k)!;
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        const wab = w[a * k + b];
        ywy += y[rows[a]] * wab * y[rows[b]];
        for (let i = 0; i < p; i++) {
          xtwy[i] += X[rows[a] * p + i] * wab * y[rows[b]];
          for (let j = 0; j < p; j++) xtwx[i * p + j] += X[rows[a] * p + i] * wab * X[rows[b] * p + j];
        }
      }
    }
  }
  const factor = cholesky(xtwx, p)!;
  const c = spdInverse(xtwx, p)!;
  let fitted = 0;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) fitted += xtwy[i] * c[i * p + j] * xtwy[j];
  const base = logDet + ywy - fitted;
  return reml ? base + logDetFromCholesky(factor, p) + (n - p) * Math.log(2 * Math.PI) : base + n * Math.log(2 * Math.PI);
}

describe('MmrmLikelihood', () => {
  for (const method of ['reml', 'ml'] as const) {
    for (const pooling of ['always', 'never'] as const) {
      it(`${method}, pooling ${pooling}: the objective equals the subject-by-subject likelihood`, () => {
        const model = covarianceModel('us', 3);
        const likelihood = new MmrmLikelihood(data, model, method, pooling);
        expect(likelihood.patterns.every((pattern) => pattern.kind === (pooling === 'always' ? 'pooled' : 'subjects'))).toBe(true);
        const theta = thetaFor(model.nTheta);
        const evaluation = likelihood.evaluate(theta)!;
        expect(evaluation.value).toBeCloseTo(directObjective(model.covariance(theta), method === 'reml'), 9);
      });
    }
  }

  for (const structure of covarianceStructures) {
    for (const [method, pooling] of [['reml', 'always'], ['reml', 'never'], ['ml', 'always'], ['ml', 'never']] as const) {
      it(`${structure} ${method}, pooling ${pooling}: analytic gradients match central differences`, () => {
        const model = covarianceModel(structure, 3);
        const likelihood = new MmrmLikelihood(data, model, method, pooling);
        const theta = thetaFor(model.nTheta);
        const evaluation = likelihood.evaluate(theta)!;
        const gradient = likelihood.gradient(evaluation);
        const l = Float64Array.from([0, 1, 0, 0.5, 0]);
        const varianceGradient = likelihood.contrastVarianceGradient(evaluation, l);
        const variance = (th: Float64Array) => {
          const c = likelihood.evaluate(th)!.covBeta;
          let s = 0;
          for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) s += l[i] * c[i * 5 + j] * l[j];
          return s;
        };
        const h = 1e-5;
        for (let j = 0; j < model.nTheta; j++) {
          const up = theta.slice();
          up[j] += h;
          const down = theta.slice();
          down[j] -= h;
          const numeric = (likelihood.evaluate(up)!.value - likelihood.evaluate(down)!.value) / (2 * h);
          expect(Math.abs(gradient[j] - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
          const numericVariance = (variance(up) - variance(down)) / (2 * h);
          expect(Math.abs(varianceGradient[j] - numericVariance)).toBeLessThan(1e-6 * Math.max(1e-3, Math.abs(numericVariance)));
        }
      });
    }
  }

  for (const pooling of ['always', 'never'] as const) {
    it(`withoutSubject equals the likelihood built without that subject (${pooling} pooled)`, () => {
      const model = covarianceModel('us', 3);
      const theta = thetaFor(model.nTheta);
      const keep = Array.from(data.subject.keys()).filter((r) => data.subject[r] !== 7);
      const without: MmrmData = {
        X: Float64Array.from(keep.flatMap((r) => Array.from(data.X.subarray(r * data.p, (r + 1) * data.p)))),
        p: data.p,
        y: Float64Array.from(keep, (r) => data.y[r]),
        subject: Int32Array.from(keep, (r) => data.subject[r]),
        visit: Int32Array.from(keep, (r) => data.visit[r]),
        nVisits: 3,
      };
      const built = new MmrmLikelihood(without, model, 'reml', pooling);
      const taken = new MmrmLikelihood(data, model, 'reml', pooling).withoutSubject(7);
      expect(taken.nSubjects).toBe(built.nSubjects);
      const [a, b] = [taken.evaluate(theta), built.evaluate(theta)];
      expect(a?.value).toBeCloseTo(b?.value as number, 8);
      taken.gradient(a!).forEach((g, j) => expect(g).toBeCloseTo(built.gradient(b!)[j], 7));
      taken.beta(a!).forEach((beta, j) => expect(beta).toBeCloseTo(built.beta(b!)[j], 8));
    });
  }

  it('returns null where the covariance is not positive definite', () => {
    const model = covarianceModel('toep', 3);
    const likelihood = new MmrmLikelihood(data, model, 'reml');
    // Correlations 0.9 at lag 1 and -0.9 at lag 2 cannot coexist.
    const theta = 0.9 / Math.sqrt(1 - 0.81);
    expect(likelihood.evaluate(Float64Array.from([0, theta, -theta]))).toBeNull();
  });
});
