import { describe, expect, it } from 'vitest';
import {
  cholesky,
  crossProduct,
  crossProductVector,
  dependentColumns,
  inverseFromCholesky,
  logDetFromCholesky,
  multiply,
  multiplyVector,
  quadraticForm,
  solveLower,
  solveLowerTransposed,
  solveUpper,
  solveWithCholesky,
  spdInverse,
  symmetricEigen,
} from './linalg.ts';

const f64 = (values: number[]) => Float64Array.from(values);
const expectClose = (actual: ArrayLike<number>, expected: number[], digits = 12) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, digits));
};

// The textbook example: [[4,12,-16],[12,37,-43],[-16,-43,98]] = L L' with L = [[2,0,0],[6,1,0],[-8,5,3]].
const spd3 = f64([4, 12, -16, 12, 37, -43, -16, -43, 98]);
const spd3Factor = [2, 0, 0, 6, 1, 0, -8, 5, 3];

describe('products', () => {
  const x = f64([1, 2, 3, 4, 5, 6]); // 3 x 2
  it('X\'X and X\'y', () => {
    expectClose(crossProduct(x, 3, 2), [35, 44, 44, 56]);
    expectClose(crossProductVector(x, 3, 2, [1, 0, -1]), [-4, -4]);
  });
  it('A * B, A * v and u\'Av', () => {
    expectClose(multiply(x, f64([1, 0, 2, 0, 1, 3]), 3, 2, 3), [1, 2, 8, 3, 4, 18, 5, 6, 28]);
    expectClose(multiplyVector(x, 3, 2, [1, -1]), [-1, -1, -1]);
    expect(quadraticForm(spd3, 3, [1, 0, 1], [0, 1, 0])).toBe(12 - 43);
  });
});

describe('Cholesky and solves', () => {
  it('factors a positive definite matrix', () => {
    expectClose(cholesky(spd3, 3)!, spd3Factor);
  });
  it('returns null when the matrix is not positive definite', () => {
    expect(cholesky(f64([1, 2, 2, 1]), 2)).toBeNull();
    expect(cholesky(f64([1, 1, 1, 1]), 2)).toBeNull();
    expect(spdInverse(f64([0, 0, 0, 1]), 2)).toBeNull();
  });
  it('solves triangular systems', () => {
    const l = f64(spd3Factor);
    // L x = b with x = (1, 2, 3): b = (2, 8, 11).
    expectClose(solveLower(l, 3, [2, 8, 11]), [1, 2, 3]);
    // L' x = b with x = (1, 2, 3): b = (2 + 12 - 24, 2 + 15, 9) = (-10, 17, 9).
    expectClose(solveLowerTransposed(l, 3, [-10, 17, 9]), [1, 2, 3]);
    const u = f64([2, 6, -8, 0, 1, 5, 0, 0, 3]);
    expectClose(solveUpper(u, 3, [-10, 17, 9]), [1, 2, 3]);
    // A x = b with x = (1, 1, 1): b = row sums of A.
    expectClose(solveWithCholesky(l, 3, [0, 6, 39]), [1, 1, 1], 10);
  });
  it('inverts and takes the log determinant', () => {
    const a = f64([4, 2, 2, 3]);
    expectClose(spdInverse(a, 2)!, [3 / 8, -2 / 8, -2 / 8, 4 / 8]);
    const l = cholesky(spd3, 3)!;
    expect(logDetFromCholesky(l, 3)).toBeCloseTo(Math.log(36), 12);
    const product = multiply(spd3, inverseFromCholesky(l, 3), 3, 3, 3);
    expectClose(product, [1, 0, 0, 0, 1, 0, 0, 0, 1], 9);
  });
});

describe('dependentColumns', () => {
  it('drops the later of linearly dependent columns, as lm does', () => {
    // Columns: intercept, a, b = 1 - a (aliased), z, zero column.
    const x = f64([1, 1, 0, 1, 0, 1, 0, 1, 2, 0, 1, 1, 0, 3, 0, 1, 0, 1, 5, 0]);
    expect(dependentColumns(crossProduct(x, 4, 5), 5)).toEqual([2, 4]);
  });
  it('finds none for a full-rank design', () => {
    expect(dependentColumns(f64([4, 2, 2, 3]), 2)).toEqual([]);
  });
});

describe('symmetricEigen', () => {
  it('decomposes a symmetric matrix, eigenvalues decreasing', () => {
    // [[2,1],[1,2]]: eigenvalues 3 and 1 with eigenvectors (1,1)/sqrt2 and (1,-1)/sqrt2.
    const { values, vectors } = symmetricEigen(f64([2, 1, 1, 2]), 2);
    expectClose(values, [3, 1]);
    expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0] * vectors[2]).toBeCloseTo(0.5, 12);
    expect(vectors[1] * vectors[3]).toBeCloseTo(-0.5, 12);
  });
  it('reconstructs A = V diag(values) V\'', () => {
    const { values, vectors } = symmetricEigen(spd3, 3);
    const rebuilt = new Float64Array(9);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let k = 0; k < 3; k++) rebuilt[i * 3 + j] += vectors[i * 3 + k] * values[k] * vectors[j * 3 + k];
    expectClose(rebuilt, Array.from(spd3), 9);
    expect(values[0]).toBeGreaterThan(values[1]);
  });
});
