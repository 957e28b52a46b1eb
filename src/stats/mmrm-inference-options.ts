/**
 * The names of the MMRM's inference options, apart from the engine so that the command can list
 * them without loading it.
 */
import type { EmpiricalCovariance } from './mmrm-sandwich.ts';

/** How the df of a linear function of beta are computed (mmrm's `method`; "kr-linear" also picks the linear adjustment). */
export type DegreesOfFreedomMethod = 'satterthwaite' | 'kr' | 'kr-linear' | 'residual';
export const degreesOfFreedomMethods: readonly DegreesOfFreedomMethod[] = ['satterthwaite', 'kr', 'kr-linear', 'residual'];

/** Which covariance of beta the SEs use (mmrm's `vcov`; "model" is mmrm's "Asymptotic"). */
export type CoefficientCovariance = 'model' | EmpiricalCovariance;
export const coefficientCovariances: readonly CoefficientCovariance[] = ['model', 'empirical', 'empirical-br', 'empirical-jackknife'];
