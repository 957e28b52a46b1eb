import { z } from 'zod';

/**
 * The largest id any table holds: ids are `serial` (a 32-bit integer) on PostgreSQL, so a larger
 * one can name no row, and PostgreSQL would refuse it as out of range rather than find nothing.
 */
export const MAX_ID = 2_147_483_647;

const digits = /^[1-9][0-9]*$/;
const notAnId = 'must be a whole number like 42';

/**
 * A path parameter that names a row: only the canonical decimal digits of a positive integer, so
 * `0x10`, ` 1`, `1.0`, `1e1`, `+1`, `01` and `-1` are refused instead of read as another row
 * (`z.coerce.number()` took `0x10` for 16 and `%201` for 1). The OpenAPI document still describes
 * it as an integer: a string of anything else never reaches the number schema as a number.
 * Refusals name the parameter: "id: must be a whole number like 42".
 */
export const pathId = z.preprocess(
  (value) => (typeof value === 'string' && digits.test(value) ? Number(value) : value),
  z
    .number({ error: notAnId })
    .max(MAX_ID, { error: `must be at most ${MAX_ID}`, abort: true })
    .int({ error: notAnId })
    .min(1, { error: notAnId }),
);

/** `params` of a route whose only path parameter is `:id`. */
export const idParams = z.strictObject({ id: pathId });
