import { isoDateSchema } from '../roster/model.ts';
import { badRequest } from '../shared/errors.ts';

/** Refuses anything but a calendar date 'YYYY-MM-DD' (a day in the unit's own zone), naming the field. */
export function requireDate(field: string, value: string): string {
  if (!isoDateSchema.safeParse(value).success) throw badRequest(field, `"${value}" is not a date YYYY-MM-DD`);
  return value;
}
