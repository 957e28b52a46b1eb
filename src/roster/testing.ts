import type { Role } from '../shared/actor.ts';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import type { Db } from '../store/db.ts';
import { createPerson, createUnit, type PersonView, type UnitView } from './store.ts';

let counter = 0;
const next = () => (counter += 1);

/** Small factories: each call makes fresh, unique data. */
export async function makeUnit(db: Db, overrides: Partial<{ name: string; kind: string; parentId: number | null; timeZone: string }> = {}): Promise<UnitView> {
  return write(db, systemActor('test'), (w) =>
    createUnit(w, { name: overrides.name ?? `Unit ${next()}`, kind: overrides.kind ?? 'squad', parentId: overrides.parentId ?? null, timeZone: overrides.timeZone ?? 'Europe/London' }),
  );
}

export async function makePerson(db: Db, overrides: Partial<{ designation: string; name: string; unitId: number | null; roles: Role[] }> = {}): Promise<PersonView> {
  const n = next();
  return write(db, systemActor('test'), (w) =>
    createPerson(w, {
      designation: overrides.designation ?? `TP-${String(n).padStart(4, '0')}`,
      name: overrides.name ?? `Test Person ${n}`,
      rank: 'Pte',
      status: 'active',
      dateOfBirth: '2000-01-01',
      sex: 'male',
      unitId: overrides.unitId ?? null,
      roles: overrides.roles ?? ['participant'],
    }),
  );
}
