import type { Generated } from 'kysely';
import { z } from 'zod';
import { isRole, roles, type Role } from '../shared/actor.ts';
import type { RowProblem } from '../shared/csv.ts';

export const personStatuses = ['active', 'injured', 'withdrawn', 'discharged'] as const;
export type PersonStatus = (typeof personStatuses)[number];
export const sexes = ['female', 'male'] as const;

export interface RosterTables {
  unit: {
    id: Generated<number>;
    name: string;
    kind: string;
    parent_id: number | null;
    time_zone: string;
    commander_person_id: number | null;
    created_at: string;
  };
  unit_trainer: { unit_id: number; person_id: number };
  person: {
    id: Generated<number>;
    designation: string;
    /** Upper-cased designation: designations are unique whatever their case. */
    designation_key: string;
    name: string;
    rank: string;
    status: PersonStatus;
    date_of_birth: string | null;
    sex: 'female' | 'male' | null;
    /** Where notifications go by e-mail (docs/schedule.md); null: the in-app inbox only. */
    email: string | null;
    created_at: string;
    updated_at: string;
  };
  /** Unit membership with effective dates: a move closes one row and opens the next. */
  person_unit: {
    id: Generated<number>;
    person_id: number;
    unit_id: number;
    effective_from: string;
    effective_to: string | null;
  };
  person_role: { person_id: number; role: Role };
}

export const designationKey = (designation: string) => designation.trim().toUpperCase();

export const designationSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'a designation is letters, digits and dashes, e.g. JB-007 (at most 32)');

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().refine(isValidTimeZone, 'not an IANA time zone such as Europe/London');
export const isoDateSchema = z.iso.date();
/** Today's date where the day has begun first (UTC+14): a later date is in the future everywhere. */
const latestToday = () => new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);
const BORN_IN_THE_FUTURE = 'must not be in the future';
/** A date of birth: a date, not after today. */
const dateOfBirthSchema = isoDateSchema.refine((date) => date <= latestToday(), BORN_IN_THE_FUTURE);

export const personFields = {
  designation: designationSchema,
  name: z.string().trim().min(1, 'a name is required').max(200),
  rank: z.string().trim().max(50),
  status: z.enum(personStatuses),
  dateOfBirth: dateOfBirthSchema.nullable(),
  sex: z.enum(sexes).nullable(),
  roles: z
    .array(z.enum(roles))
    .min(1, 'at least one role')
    .refine((list) => new Set(list).size === list.length, 'names a role twice'),
};

/** Roles in a CSV cell: one or more, separated by ';' or '|'. */
export function parseRoles(cell: string): Role[] | string {
  const parts = cell.split(/[;|]/).map((r) => r.trim().toLowerCase()).filter(Boolean);
  if (parts.length === 0) return 'at least one role is required';
  const unknown = parts.filter((r) => !isRole(r));
  if (unknown.length) return `unknown role ${unknown.map((r) => `'${r}'`).join(', ')} (one of ${roles.join(', ')})`;
  return [...new Set(parts)] as Role[];
}

export const rosterImportColumns = ['designation', 'name', 'rank', 'unit', 'role'] as const;
export const rosterOptionalColumns = ['status', 'date_of_birth', 'sex'] as const;

export interface RosterImportRow {
  line: number;
  designation: string;
  name: string;
  rank: string;
  unit: string;
  roles: Role[];
  status?: PersonStatus;
  dateOfBirth?: string | null;
  sex?: 'female' | 'male' | null;
}


/** Checks one CSV record; returns the row, or every problem with it. */
export function checkRosterRow(record: Record<string, string>, line: number): RosterImportRow | RowProblem[] {
  const problems: RowProblem[] = [];
  const problem = (column: string, reason: string) => problems.push({ line, column, reason });
  const get = (c: string) => (record[c] ?? '').trim();

  const designation = designationSchema.safeParse(get('designation'));
  if (!designation.success) problem('designation', get('designation') ? designation.error.issues[0].message : 'is required');
  if (!get('name')) problem('name', 'is required');
  if (!get('unit')) problem('unit', 'is required');
  const parsedRoles = parseRoles(get('role'));
  if (typeof parsedRoles === 'string') problem('role', parsedRoles);
  const row: RosterImportRow = {
    line,
    designation: get('designation'),
    name: get('name'),
    rank: get('rank'),
    unit: get('unit'),
    roles: typeof parsedRoles === 'string' ? [] : parsedRoles,
  };
  if ('status' in record && get('status')) {
    const s = get('status').toLowerCase();
    if ((personStatuses as readonly string[]).includes(s)) row.status = s as PersonStatus;
    else problem('status', `'${get('status')}' is not one of ${personStatuses.join(', ')}`);
  }
  if ('date_of_birth' in record) {
    const d = get('date_of_birth');
    if (!d) row.dateOfBirth = null;
    else if (!isoDateSchema.safeParse(d).success) problem('date_of_birth', `'${d}' is not a date YYYY-MM-DD`);
    else if (!dateOfBirthSchema.safeParse(d).success) problem('date_of_birth', `'${d}' ${BORN_IN_THE_FUTURE}`);
    else row.dateOfBirth = d;
  }
  if ('sex' in record) {
    const s = get('sex').toLowerCase();
    const normalized = s === 'f' ? 'female' : s === 'm' ? 'male' : s;
    if (!s) row.sex = null;
    else if (normalized === 'female' || normalized === 'male') row.sex = normalized;
    else problem('sex', `'${get('sex')}' is not female or male`);
  }
  return problems.length ? problems : row;
}
