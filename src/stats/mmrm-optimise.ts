/**
 * Unconstrained minimisation for the MMRM objective: BFGS with an Armijo line search to get close,
 * then Newton steps on a Hessian from finite differences of the analytic gradient until the
 * Newton decrement (the predicted remaining decrease) is negligible. The same Hessian serves as
 * the observed information for Satterthwaite's degrees of freedom.
 */
import { cholesky, multiplyVector, quadraticForm, solveWithCholesky } from './linalg.ts';

/** One point of the objective; null outside its domain (e.g. a covariance that is not positive definite). */
export interface ObjectivePoint {
  value: number;
  gradient(): Float64Array;
}
export type Objective = (x: Float64Array) => ObjectivePoint | null;

export interface Minimum {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  /** Hessian at x (n x n), positive definite. */
  hessian: Float64Array;
  iterations: number;
}

/** Newton decrement g' H^-1 g below which a point counts as the minimum (objective units: -2 log L). */
const NEWTON_DECREMENT_TOLERANCE = 1e-8;
/** At a point where no step decreases the objective in floating point, the decrement still has to be below this. */
const LINE_SEARCH_LIMIT_DECREMENT = 1e-5;
const HESSIAN_STEP = 1e-6;
/** BFGS hands over to Newton once its own model predicts less than this decrease (well inside Newton's tolerance). */
const BFGS_DECREMENT_TOLERANCE = 1e-10;

interface Iterate {
  x: Float64Array;
  value: number;
  gradient: Float64Array;
  iterations: number;
}

const dot = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

const step = (x: Float64Array, direction: Float64Array, alpha: number) => x.map((xi, i) => xi + alpha * direction[i]);

/** Backtracking until the Armijo condition holds; null if no acceptable step exists down to a tiny one. */
function lineSearch(f: Objective, from: Iterate, direction: Float64Array) {
  const slope = dot(from.gradient, direction);
  for (let alpha = 1, tries = 0; tries < 60; tries++, alpha *= 0.5) {
    const x = step(from.x, direction, alpha);
    const point = f(x);
    if (point !== null && Number.isFinite(point.value) && point.value <= from.value + 1e-4 * alpha * slope) {
      return { x, point };
    }
  }
  return null;
}

/**
 * BFGS on the inverse Hessian approximation; stops when progress stalls or the gradient vanishes.
 * `converged` says whether it stopped at a point its model (or a vanishing gradient) calls the
 * minimum. An initial inverse Hessian (e.g. that of a fit to nearly the same data) replaces the
 * first steepest-descent steps.
 */
export function bfgs(
  f: Objective,
  x0: Float64Array,
  maxIterations = 400,
  initialInverseHessian: Float64Array | null = null,
): (Iterate & { converged: boolean }) | null {
  const start = f(x0);
  if (start === null || !Number.isFinite(start.value)) return null;
  const n = x0.length;
  let current: Iterate = { x: x0, value: start.value, gradient: start.gradient(), iterations: 0 };
  let inverseHessian: Float64Array | null = initialInverseHessian === null ? null : initialInverseHessian.slice();
  let stalled = 0;
  let converged = false;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const g = current.gradient;
    let gradientNorm = 0;
    for (const gi of g) gradientNorm = Math.max(gradientNorm, Math.abs(gi));
    if (gradientNorm < 1e-7 || (inverseHessian !== null && quadraticForm(inverseHessian, n, g, g) < BFGS_DECREMENT_TOLERANCE)) {
      converged = true;
      break;
    }
    let direction = inverseHessian === null ? null : multiplyVector(inverseHessian, n, n, g).map((v) => -v);
    if (direction === null || dot(direction, g) >= 0) {
      // First step, or a reset: steepest descent, scaled to move theta by at most 0.5.
      inverseHessian = null;
      direction = g.map((gi) => -Math.min(1, 0.5 / gradientNorm) * gi);
    }
    const accepted = lineSearch(f, current, direction);
    if (accepted === null) {
      if (inverseHessian === null) break;
      inverseHessian = null;
      continue;
    }
    const next: Iterate = {
      x: accepted.x,
      value: accepted.point.value,
      gradient: accepted.point.gradient(),
      iterations: iteration,
    };
    const s = next.x.map((xi, i) => xi - current.x[i]);
    const y = next.gradient.map((gi, i) => gi - current.gradient[i]);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (inverseHessian === null) {
        // Initial scaling of Nocedal & Wright (6.20).
        inverseHessian = new Float64Array(n * n);
        const gamma = sy / dot(y, y);
        for (let i = 0; i < n; i++) inverseHessian[i * n + i] = gamma;
      }
      bfgsUpdate(inverseHessian, s, y, sy, n);
    }
    const decrease = current.value - next.value;
    stalled = decrease <= 1e-14 * Math.max(1, Math.abs(next.value)) ? stalled + 1 : 0;
    current = next;
    // Done when the quasi-Newton model predicts a negligible further decrease (Newton checks it
    // with the true Hessian), or when rounding leaves no measurable progress.
    if (inverseHessian !== null && quadraticForm(inverseHessian, n, current.gradient, current.gradient) < BFGS_DECREMENT_TOLERANCE) {
      converged = true;
      break;
    }
    if (stalled >= 3) break;
  }
  return { ...current, converged };
}

/** H <- (I - rho s y') H (I - rho y s') + rho s s', rho = 1 / s'y. */
function bfgsUpdate(h: Float64Array, s: Float64Array, y: Float64Array, sy: number, n: number): void {
  const rho = 1 / sy;
  const hy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += h[i * n + j] * y[j];
    hy[i] = v;
  }
  const yhy = dot(y, hy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
    }
  }
}

/**
 * Hessian by forward differences of the analytic gradient (backward at the domain's edge),
 * symmetrised: one gradient per parameter. With a step of 1e-6 its error is about 1e-6 relative
 * (measured against central differences), far inside what Satterthwaite's df need.
 */
export function finiteDifferenceHessian(f: Objective, x: Float64Array, gradient: Float64Array): Float64Array | null {
  const n = x.length;
  const h = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const delta = HESSIAN_STEP * Math.max(1, Math.abs(x[j]));
    let signedDelta = delta;
    const moved = x.slice();
    moved[j] += delta;
    let point = f(moved);
    if (point === null) {
      moved[j] = x[j] - delta;
      signedDelta = -delta;
      point = f(moved);
    }
    if (point === null) return null;
    const movedGradient = point.gradient();
    for (let i = 0; i < n; i++) h[i * n + j] = (movedGradient[i] - gradient[i]) / signedDelta;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (h[i * n + j] + h[j * n + i]);
      h[i * n + j] = mean;
      h[j * n + i] = mean;
    }
  }
  return h;
}

/**
 * Damped Newton from x0 until the Newton decrement is below tolerance at a point whose Hessian is
 * positive definite; null when that does not happen within maxIterations. When the Hessian is
 * not positive definite the step uses H + lambda I (Levenberg), lambda grown until it is.
 */
export function newton(f: Objective, x0: Float64Array, maxIterations: number, iterationsSoFar = 0): Minimum | null {
  const start = f(x0);
  if (start === null || !Number.isFinite(start.value)) return null;
  let current: Iterate = { x: x0, value: start.value, gradient: start.gradient(), iterations: iterationsSoFar };
  const n = x0.length;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const hessian = finiteDifferenceHessian(f, current.x, current.gradient);
    if (hessian === null) return null;
    const factor = cholesky(hessian, n);
    const decrement = factor === null ? Infinity : dot(solveWithCholesky(factor, n, current.gradient), current.gradient);
    if (decrement < NEWTON_DECREMENT_TOLERANCE) return { ...current, hessian };
    const direction = dampedNewtonDirection(hessian, factor, current.gradient, n);
    const accepted = lineSearch(f, current, direction);
    if (accepted === null) {
      // No decrease is representable any more: accept only if the predicted gain is negligible anyway.
      return decrement < LINE_SEARCH_LIMIT_DECREMENT ? { ...current, hessian } : null;
    }
    current = {
      x: accepted.x,
      value: accepted.point.value,
      gradient: accepted.point.gradient(),
      iterations: current.iterations + 1,
    };
  }
  return null;
}

function dampedNewtonDirection(
  hessian: Float64Array,
  factor: Float64Array | null,
  gradient: Float64Array,
  n: number,
): Float64Array {
  let shifted = factor;
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, Math.abs(hessian[i * n + i]));
  for (let lambda = 1e-6 * Math.max(1, maxDiagonal); shifted === null; lambda *= 10) {
    const h = hessian.slice();
    for (let i = 0; i < n; i++) h[i * n + i] += lambda;
    shifted = cholesky(h, n);
  }
  return solveWithCholesky(shifted, n, gradient).map((v) => -v);
}
