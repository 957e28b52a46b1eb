/**
 * Errors of the statistics engine. The command maps `bad_data` to exit 2 and
 * `not_converged` to exit 3 (and `too_large`, a problem over the API's limits, to exit 2); the engine
 * never returns estimates it does not trust.
 */
export type StatsErrorCode = 'bad_data' | 'not_converged' | 'too_large';

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
export const tooLarge = (message: string) => new StatsError('too_large', message);
