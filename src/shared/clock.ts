/** Rules that depend on "now" receive a clock, so tests can pin time. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
