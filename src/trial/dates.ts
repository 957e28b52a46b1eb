import { z } from 'zod';
import { badRequest } from '../shared/errors.ts';

// zod's own date check rather than the roster's schema: importing another capability's index
// would load its routes into this pure model.
const isoDate = z.iso.date();

/** Refuses anything but a calendar date 'YYYY-MM-DD' (a day in the unit's own zone), naming the field. */
export function requireDate(field: string, value: string): string {
  if (!isoDate.safeParse(value).success) throw badRequest(field, `"${value}" is not a date YYYY-MM-DD`);
  return value;
}
