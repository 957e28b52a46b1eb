/**
 * Dense linear algebra kernels for the statistics engine.
 *
 * Every matrix is a row-major Float64Array: entry (i, j) of an m x n matrix is at i * n + j.
 * Functions never modify their inputs unless their name says `InPlace`.
 * Small hand-written loops: the engine's matrices are at most a few dozen columns wide, where
 * these beat a general library and allocate nothing per row.
 */

/** X'X for an n x p matrix X: the p x p cross-product (symmetric, both triangles filled). */
export function crossProduct(x: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let r = 0; r < n; r++) {
    const row = r * p;
    for (let i = 0; i < p; i++) {
      const xi = x[row + i];
      if (xi === 0) continue;
      const outRow = i * p;
      for (let j = i; j < p; j++) out[outRow + j] += xi * x[row + j];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) out[i * p + j] = out[j * p + i];
  return out;
}

/** X'y for an n x p matrix X and a vector y of length n. */
export function crossProductVector(x: Float64Array, n: number, p: number, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    const yr = y[r];
    const row = r * p;
    for (let j = 0; j < p; j++) out[j] += x[row + j] * yr;
  }
  return out;
}

/** A * B for an m x k matrix A and a k x n matrix B: the m x n product. */
export function multiply(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) {
      const ail = a[i * k + l];
      if (ail === 0) continue;
      const bRow = l * n;
      const outRow = i * n;
      for (let j = 0; j < n; j++) out[outRow + j] += ail * b[bRow + j];
    }
  }
  return out;
}

/** A * v for an m x n matrix A and a vector v of length n. */
export function multiplyVector(a: Float64Array, m: number, n: number, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) s += a[row + j] * v[j];
    out[i] = s;
  }
  return out;
}

/** The quadratic form u' A v for an n x n matrix A. */
export function quadraticForm(a: Float64Array, n: number, u: ArrayLike<number>, v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const ui = u[i];
    if (ui === 0) continue;
    let rowSum = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) rowSum += a[row + j] * v[j];
    s += ui * rowSum;
  }
  return s;
}

/**
 * Cholesky factor of a symmetric positive definite n x n matrix: the lower-triangular L with
 * L L' = A (upper triangle zero). Reads only the lower triangle of A.
 * Returns null when A is not numerically positive definite (a pivot is not > 0 or not finite).
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  return choleskyInto(a, n, l) ? l : null;
}

/**
 * Cholesky factor written into `out` (n x n, fully overwritten); returns false when A is not
 * positive definite. For hot loops that reuse one buffer.
 */
export function choleskyInto(a: Float64Array, n: number, out: Float64Array): boolean {
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = a[rowJ + j];
    for (let k = 0; k < j; k++) d -= out[rowJ + k] * out[rowJ + k];
    if (!(d > 0) || !Number.isFinite(d)) return false;
    const ljj = Math.sqrt(d);
    out[rowJ + j] = ljj;
    for (let k = j + 1; k < n; k++) out[rowJ + k] = 0;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= out[rowI + k] * out[rowJ + k];
      out[rowI + j] = s / ljj;
    }
  }
  return true;
}

/** Solves L x = b for lower-triangular L (n x n); returns x. */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  solveLowerInPlace(l, n, x, 1);
  return x;
}

/** Solves L' x = b for lower-triangular L (n x n), i.e. back substitution with its transpose. */
export function solveLowerTransposed(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  solveLowerTransposedInPlace(l, n, x, 1);
  return x;
}

/** Solves U x = b for upper-triangular U (n x n); returns x. */
export function solveUpper(u: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    const row = i * n;
    for (let k = i + 1; k < n; k++) s -= u[row + k] * x[k];
    x[i] = s / u[row + i];
  }
  return x;
}

/**
 * Solves L X = B in place for lower-triangular L (n x n) and B an n x m row-major block
 * (m right-hand sides side by side).
 */
export function solveLowerInPlace(l: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let i = 0; i < n; i++) {
    const rowL = i * n;
    const rowB = i * m;
    for (let k = 0; k < i; k++) {
      const lik = l[rowL + k];
      if (lik === 0) continue;
      const rowK = k * m;
      for (let c = 0; c < m; c++) b[rowB + c] -= lik * b[rowK + c];
    }
    const inv = 1 / l[rowL + i];
    for (let c = 0; c < m; c++) b[rowB + c] *= inv;
  }
}

/** Solves L' X = B in place for lower-triangular L (n x n) and B an n x m row-major block. */
export function solveLowerTransposedInPlace(l: Float64Array, n: number, b: Float64Array, m: number): void {
  for (let i = n - 1; i >= 0; i--) {
    const rowB = i * m;
    for (let k = i + 1; k < n; k++) {
      const lki = l[k * n + i];
      if (lki === 0) continue;
      const rowK = k * m;
      for (let c = 0; c < m; c++) b[rowB + c] -= lki * b[rowK + c];
    }
    const inv = 1 / l[i * n + i];
    for (let c = 0; c < m; c++) b[rowB + c] *= inv;
  }
}

/** Solves A x = b given the Cholesky factor L of A (A = L L'). */
export function solveWithCholesky(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b);
  solveLowerInPlace(l, n, x, 1);
  solveLowerTransposedInPlace(l, n, x, 1);
  return x;
}

/** A^-1 from the Cholesky factor L of A (symmetric, both triangles filled). */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // L^-1 first (lower triangular), then A^-1 = L^-T L^-1.
  const lInv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) lInv[i * n + i] = 1;
  solveLowerInPlace(l, n, lInv, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += lInv[k * n + i] * lInv[k * n + j];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/** Inverse of a symmetric positive definite matrix, or null when it is not positive definite. */
export function spdInverse(a: Float64Array, n: number): Float64Array | null {
  const l = cholesky(a, n);
  return l === null ? null : inverseFromCholesky(l, n);
}

/** log det A from the Cholesky factor L of A: 2 * sum(log diag L). */
export function logDetFromCholesky(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]);
  return 2 * s;
}

/**
 * Default tolerance of `dependentColumns`: a column counts as linearly dependent on earlier ones
 * when its squared residual norm after projecting them out is below this fraction of its own
 * squared norm. R's lm uses 1e-7 on the (unsquared) norm ratio in its QR; the cross-product
 * squares the condition number, so the equivalent squared ratio 1e-14 would sit at rounding
 * noise. 1e-10 keeps exact aliasing (e.g. a factor level absent in the data, or a dummy that
 * duplicates an interaction) clear of noise on real designs.
 */
export const DEPENDENCE_TOLERANCE = 1e-10;

/**
 * Columns of X that are linearly dependent on earlier columns, found from A = X'X (p x p) by a
 * sequential Cholesky without pivoting that skips such columns: the later of two aliased columns
 * is the one dropped, as R's lm drops it. Returns their indices in increasing order (empty when X
 * has full column rank). A column of zeros counts as dependent.
 */
export function dependentColumns(xtx: Float64Array, p: number, tolerance = DEPENDENCE_TOLERANCE): number[] {
  const l = new Float64Array(p * p);
  const dependent: number[] = [];
  const kept: number[] = [];
  for (let j = 0; j < p; j++) {
    const rowJ = j * p;
    const norm = xtx[rowJ + j];
    let d = norm;
    for (const k of kept) d -= l[rowJ + k] * l[rowJ + k];
    if (!(norm > 0) || d <= tolerance * norm) {
      dependent.push(j);
      continue;
    }
    const ljj = Math.sqrt(d);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      const rowI = i * p;
      let s = xtx[rowI + j];
      for (const k of kept) s -= l[rowI + k] * l[rowJ + k];
      l[rowI + j] = s / ljj;
    }
    kept.push(j);
  }
  return dependent;
}

/**
 * Eigen-decomposition of a symmetric n x n matrix by cyclic Jacobi rotations (accurate to rounding
 * for the small matrices used here). Eigenvalues in decreasing order; eigenvector k is column k
 * of `vectors` (n x n row-major).
 */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = a.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offDiagonal = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      scale += m[i * n + i] ** 2;
      for (let j = i + 1; j < n; j++) offDiagonal += m[i * n + j] ** 2;
    }
    if (offDiagonal <= 1e-30 * scale || offDiagonal === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const tau = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = Float64Array.from(order, (i) => m[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from];
  });
  return { values, vectors };
}
