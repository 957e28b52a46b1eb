/**
 * Errors of the statistics engine. The command maps `bad_data` to exit 2 and
 * `not_converged` to exit 3; the engine never returns estimates it does not trust.
 */
export type StatsErrorCode = 'bad_data' | 'not_converged';

export class StatsError extends Error {
  readonly code: StatsErrorCode;
  constructor(code: StatsErrorCode, message: string) {
    super(message);
    this.name = 'StatsError';
    this.code = code;
  }
}

export const badData = (message: string) => new StatsError('bad_data', message);
export const notConverged = (message: string) => new StatsError('not_converged', message);
