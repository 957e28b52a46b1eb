import type { ImportSummary } from '../shared/import-result.ts';
import { sql } from 'kysely';
import type { Role } from '../shared/actor.ts';
import type { Writer } from '../store/write.ts';
import type { RowProblem } from '../shared/csv.ts';
import { badRequest, conflict, notFound } from '../shared/errors.ts';
import { isUniqueViolation, type Db } from '../store/db.ts';
import { designationKey, personStatuses, type PersonStatus, type RosterImportRow } from './model.ts';
import { healthDataRolesGranted, requireRolesChangeable } from '../access/index.ts';
import { notify, peopleWithRole } from '../inbox/index.ts';

export interface UnitInput {
  name: string;
  kind: string;
  parentId: number | null;
  timeZone: string;
}

export interface PersonInput {
  designation: string;
  name: string;
  rank: string;
  status: PersonStatus;
  dateOfBirth: string | null;
  sex: 'female' | 'male' | null;
  unitId: number | null;
  roles: Role[];
}

export interface PersonView {
  id: number;
  designation: string;
  name: string;
  rank: string;
  status: PersonStatus;
  dateOfBirth: string | null;
  sex: 'female' | 'male' | null;
  unit: { id: number; name: string } | null;
  roles: Role[];
}

export interface UnitView {
  id: number;
  name: string;
  kind: string;
  parentId: number | null;
  timeZone: string;
  commander: { id: number; designation: string; name: string; rank: string } | null;
  trainers: { id: number; designation: string; name: string; rank: string }[];
  /** Participants in this unit and every unit below it. */
  strength: number;
}

// ---- units ----

export async function createUnit(w: Writer, input: UnitInput): Promise<UnitView> {
  if (input.parentId !== null) await requireUnit(w.db, input.parentId);
  await ensureUnitNameFree(w.db, input.name);
  const { id } = await w.db
    .insertInto('unit')
    .values({ name: input.name, kind: input.kind, parent_id: input.parentId, time_zone: input.timeZone, commander_person_id: null, created_at: w.now.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await w.record({ action: 'unit.create', entity: 'unit', entityId: id, after: input });
  return getUnit(w.db, id);
}

async function ensureUnitNameFree(db: Db, name: string, exceptId?: number) {
  let q = db.selectFrom('unit').select('id').where('name', '=', name);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw conflict(`a unit named '${name}' already exists`, 'name');
}

export interface UnitStaffInput {
  commanderId?: number | null;
  trainerIds?: number[];
}

/** Sets a unit's commander and trainers; each must hold the matching role. */
export async function setUnitStaff(w: Writer, unitId: number, staff: UnitStaffInput): Promise<UnitView> {
  const before = await getUnit(w.db, unitId);
  if (staff.commanderId !== undefined) {
    if (staff.commanderId !== null) await requireRole(w.db, staff.commanderId, 'investigator', 'commanderId');
    await w.db.updateTable('unit').set({ commander_person_id: staff.commanderId }).where('id', '=', unitId).execute();
  }
  if (staff.trainerIds !== undefined) {
    for (const id of staff.trainerIds) await requireRole(w.db, id, 'trainer', 'trainerIds');
    await w.db.deleteFrom('unit_trainer').where('unit_id', '=', unitId).execute();
    const unique = [...new Set(staff.trainerIds)];
    if (unique.length) await w.db.insertInto('unit_trainer').values(unique.map((person_id) => ({ unit_id: unitId, person_id }))).execute();
  }
  const after = await getUnit(w.db, unitId);
  await w.record({ action: 'unit.staff', entity: 'unit', entityId: unitId, before: staffOf(before), after: staffOf(after) });
  return after;
}

const staffOf = (u: UnitView) => ({ commanderId: u.commander?.id ?? null, trainerIds: u.trainers.map((t) => t.id) });

async function requireRole(db: Db, personId: number, role: Role, field: string) {
  const row = await db.selectFrom('person_role').select('role').where('person_id', '=', personId).where('role', '=', role).executeTakeFirst();
  if (!row) throw badRequest(field, `person ${personId} does not exist or is not a ${role}`);
}

async function requireUnit(db: Db, id: number) {
  const row = await db.selectFrom('unit').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`unit ${id}`);
}

export async function listUnits(db: Db, onlyIds?: readonly number[]): Promise<UnitView[]> {
  if (onlyIds && onlyIds.length === 0) return [];
  let q = db.selectFrom('unit').selectAll().orderBy('id');
  if (onlyIds) q = q.where('id', 'in', onlyIds);
  const units = await q.execute();
  if (units.length === 0) return [];
  const ids = units.map((u) => u.id);
  const commanderIds = units.map((u) => u.commander_person_id).filter((x): x is number => x !== null);
  const [trainers, commanders, strength] = await Promise.all([
    db
      .selectFrom('unit_trainer')
      .innerJoin('person', 'person.id', 'unit_trainer.person_id')
      .select(['unit_trainer.unit_id', 'person.id', 'person.designation', 'person.name', 'person.rank'])
      .where('unit_trainer.unit_id', 'in', ids)
      .orderBy('person.designation')
      .execute(),
    commanderIds.length
      ? db.selectFrom('person').select(['id', 'designation', 'name', 'rank']).where('id', 'in', commanderIds).execute()
      : Promise.resolve([]),
    participantsPerUnit(db),
  ]);
  return units.map((u) => ({
    id: u.id,
    name: u.name,
    kind: u.kind,
    parentId: u.parent_id,
    timeZone: u.time_zone,
    commander: commanders.find((c) => c.id === u.commander_person_id) ?? null,
    trainers: trainers.filter((t) => t.unit_id === u.id).map(({ unit_id: _u, ...t }) => t),
    strength: strength.get(u.id) ?? 0,
  }));
}

/** Participants in each unit and all units below it: a unit's strength. */
async function participantsPerUnit(db: Db): Promise<Map<number, number>> {
  const [direct, tree] = await Promise.all([
    db
      .selectFrom('person_unit')
      .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person_unit.person_id').on('person_role.role', '=', 'participant'))
      .select(['person_unit.unit_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('person_unit.effective_to', 'is', null)
      .groupBy('person_unit.unit_id')
      .execute(),
    db.selectFrom('unit').select(['id', 'parent_id']).execute(),
  ]);
  const parentOf = new Map(tree.map((u) => [u.id, u.parent_id]));
  const totals = new Map<number, number>();
  for (const { unit_id, n } of direct) {
    for (let unit: number | null | undefined = unit_id; unit != null; unit = parentOf.get(unit)) totals.set(unit, (totals.get(unit) ?? 0) + Number(n));
  }
  return totals;
}

export async function getUnit(db: Db, id: number): Promise<UnitView> {
  const [unit] = await listUnits(db, [id]);
  if (!unit) throw notFound(`unit ${id}`);
  return unit;
}

export async function findUnitByName(db: Db, name: string) {
  return db.selectFrom('unit').select(['id', 'name', 'time_zone']).where('name', '=', name).executeTakeFirst();
}



// ---- people ----

export async function createPerson(w: Writer, input: PersonInput): Promise<PersonView> {
  if (input.unitId !== null) await requireUnit(w.db, input.unitId);
  const key = designationKey(input.designation);
  const existing = await w.db.selectFrom('person').select('designation').where('designation_key', '=', key).executeTakeFirst();
  if (existing) throw duplicateDesignation(existing.designation);
  const at = w.now.toISOString();
  let id: number;
  try {
    ({ id } = await w.db
      .insertInto('person')
      .values({
        designation: input.designation.trim(),
        designation_key: key,
        name: input.name,
        rank: input.rank,
        status: input.status,
        date_of_birth: input.dateOfBirth,
        sex: input.sex,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow());
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicateDesignation(input.designation);
    throw e;
  }
  if (input.unitId !== null) await w.db.insertInto('person_unit').values({ person_id: id, unit_id: input.unitId, effective_from: at, effective_to: null }).execute();
  await w.db.insertInto('person_role').values(input.roles.map((role) => ({ person_id: id, role }))).execute();
  const person = await getPerson(w.db, id);
  await w.record({ action: 'person.create', entity: 'person', entityId: id, after: person });
  await announceHealthDataGrant(w, person, []);
  return person;
}

const duplicateDesignation = (designation: string) => conflict(`designation ${designation} is already taken`, 'designation');

export type PersonPatch = Partial<Omit<PersonInput, 'unitId'>> & { reason?: string };

/**
 * What a change that ends a person's access sets off: the auth capability registers the ending of
 * their sessions and API tokens at load (src/auth/index.ts), as the audit capability registers its
 * append with the kernel, so the roster never imports auth.
 */
export type AccessEnded = (w: Writer, personId: number, why: string) => Promise<void>;
const accessEndedListeners: AccessEnded[] = [];
export function onAccessEnded(listener: AccessEnded): void {
  if (!accessEndedListeners.includes(listener)) accessEndedListeners.push(listener);
}

/**
 * A participant's numbers on the cohort dashboard count for the unit they are in now. A change of
 * that unit (a move, the participant role gained or lost; null: none) sets off the listeners that
 * capabilities keeping tallies per unit register at load (src/training/index.ts,
 * src/wellness/index.ts), in the same transaction, so the roster imports none of them.
 */
export type CountedUnitChanged = (w: Writer, personId: number, from: number | null, to: number | null) => Promise<void>;
const countedUnitListeners: CountedUnitChanged[] = [];
export function onCountedUnitChanged(listener: CountedUnitChanged): void {
  if (!countedUnitListeners.includes(listener)) countedUnitListeners.push(listener);
}

/** Each participant with the unit they are in now: whom the cohort's tallies per unit count, and where. */
export const countedMembers = (db: Db) =>
  db
    .selectFrom('person_unit')
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person_unit.person_id').on('person_role.role', '=', 'participant'))
    .select(['person_unit.person_id', 'person_unit.unit_id'])
    .where('person_unit.effective_to', 'is', null);

/** Who each of `personIds` is, as lists name them (designation, name, rank): the cohort's flagged thousand without their roles and units. */
export async function personRefs(db: Db, personIds: readonly number[]): Promise<{ id: number; designation: string; name: string; rank: string }[]> {
  const unique = [...new Set(personIds)];
  const refs = [];
  // A thousand people a query keeps the parameters well under SQLite's limit.
  for (let i = 0; i < unique.length; i += 1000) refs.push(...(await db.selectFrom('person').select(['id', 'designation', 'name', 'rank']).where('id', 'in', unique.slice(i, i + 1000)).execute()));
  return refs;
}

/** The unit each of `personIds` counts for now (`countedMembers`); those who count for none are left out. */
export async function countedUnitsOf(db: Db, personIds: readonly number[]): Promise<Map<number, number>> {
  const units = new Map<number, number>();
  const unique = [...new Set(personIds)];
  // A thousand people a query keeps the parameters well under SQLite's limit.
  for (let i = 0; i < unique.length; i += 1000) {
    for (const r of await countedMembers(db).where('person_unit.person_id', 'in', unique.slice(i, i + 1000)).execute()) units.set(r.person_id, r.unit_id);
  }
  return units;
}

const countedUnitOf = (p: PersonView) => (p.roles.includes('participant') ? (p.unit?.id ?? null) : null);
async function tellCountedUnitChanged(w: Writer, before: PersonView, after: PersonView): Promise<void> {
  const from = countedUnitOf(before);
  const to = countedUnitOf(after);
  if (from !== to) for (const changed of countedUnitListeners) await changed(w, after.id, from, to);
}

/** Statuses under which a person keeps no session or token (issue 14). */
const statusesWithoutAccess: readonly PersonStatus[] = ['discharged', 'withdrawn'];

/**
 * A grant of roles that see health data (src/access/roles.ts): audited on its own, and when a
 * signed-in account made it (a new person with such a role included, so an admin cannot make
 * themselves a second, investigating identity quietly) told to every investigator in their inbox.
 * The CLI, the demo and the test factories act as the system: whoever runs them holds the database.
 */
async function announceHealthDataGrant(w: Writer, person: PersonView, before: readonly Role[]): Promise<void> {
  const granted = healthDataRolesGranted(before, person.roles);
  if (granted.length === 0) return;
  await w.record({ action: 'person.role.grant', entity: 'person', entityId: person.id, before: { roles: before }, after: { roles: person.roles, granted } });
  if (w.actor.accountId === null) return;
  await notify(w, await peopleWithRole(w.db, 'investigator'), {
    kind: 'role.grant',
    subject: `${person.designation} was given the ${granted.join(' and ')} role${granted.length > 1 ? 's' : ''}`,
    body: `${w.actor.label} gave ${person.rank} ${person.name} (${person.designation}) the ${granted.join(', ')} role${granted.length > 1 ? 's' : ''}, which see participants' health data.`,
    link: `/people/${person.id}`,
  });
}

/**
 * Changes a person. Nobody changes their own roles (src/access/roles.ts); a role change, or a
 * status of discharged or withdrawn, ends the person's sessions and API tokens in the same transaction.
 */
export async function updatePerson(w: Writer, id: number, patch: PersonPatch): Promise<PersonView> {
  if (patch.roles) requireRolesChangeable(w.actor, id);
  const before = await getPerson(w.db, id);
  const designation = patch.designation?.trim();
  if (designation !== undefined && designationKey(designation) !== designationKey(before.designation)) {
    const taken = await w.db.selectFrom('person').select('designation').where('designation_key', '=', designationKey(designation)).executeTakeFirst();
    if (taken) throw duplicateDesignation(taken.designation);
  }
  const fields = {
    ...(designation !== undefined && { designation, designation_key: designationKey(designation) }),
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.rank !== undefined && { rank: patch.rank }),
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.dateOfBirth !== undefined && { date_of_birth: patch.dateOfBirth }),
    ...(patch.sex !== undefined && { sex: patch.sex }),
  };
  if (Object.keys(fields).length) await w.db.updateTable('person').set({ ...fields, updated_at: w.now.toISOString() }).where('id', '=', id).execute();
  if (patch.roles) {
    await w.db.deleteFrom('person_role').where('person_id', '=', id).execute();
    await w.db.insertInto('person_role').values([...new Set(patch.roles)].map((role) => ({ person_id: id, role }))).execute();
  }
  const after = await getPerson(w.db, id);
  await tellCountedUnitChanged(w, before, after);
  await w.record({ action: 'person.update', entity: 'person', entityId: id, before, after, reason: patch.reason });
  await announceHealthDataGrant(w, after, before.roles);
  const rolesChanged = after.roles.join() !== before.roles.join();
  const leaves = after.status !== before.status && statusesWithoutAccess.includes(after.status);
  if (rolesChanged || leaves) for (const ended of accessEndedListeners) await ended(w, id, rolesChanged ? 'roles changed' : `status ${after.status}`);
  return after;
}

/** Sets or clears the address a person's notifications go to by e-mail; audited with the old and new address. */
export async function setEmail(w: Writer, personId: number, email: string | null): Promise<void> {
  const before = await w.db.selectFrom('person').select('email').where('id', '=', personId).executeTakeFirst();
  if (!before) throw notFound(`person ${personId}`);
  if (before.email === email) return;
  await w.db.updateTable('person').set({ email, updated_at: w.now.toISOString() }).where('id', '=', personId).execute();
  await w.record({ action: 'person.email', entity: 'person', entityId: personId, before: { email: before.email }, after: { email } });
}

/** Moves a person to another unit from `effectiveFrom`, closing the current membership: history is kept. */
export async function movePerson(w: Writer, personId: number, unitId: number, effectiveFrom: Date, reason?: string): Promise<PersonView> {
  const before = await getPerson(w.db, personId);
  await requireUnit(w.db, unitId);
  if (before.unit?.id === unitId) throw conflict(`${before.designation} is already in ${before.unit.name}`, 'unitId');
  const current = await w.db.selectFrom('person_unit').select(['id', 'effective_from']).where('person_id', '=', personId).where('effective_to', 'is', null).executeTakeFirst();
  const from = effectiveFrom.toISOString();
  if (current && current.effective_from > from) throw badRequest('effectiveFrom', `must not be before ${current.effective_from.slice(0, 10)}, when they joined their current unit`);
  if (current) await w.db.updateTable('person_unit').set({ effective_to: from }).where('id', '=', current.id).execute();
  await w.db.insertInto('person_unit').values({ person_id: personId, unit_id: unitId, effective_from: from, effective_to: null }).execute();
  const after = await getPerson(w.db, personId);
  await tellCountedUnitChanged(w, before, after);
  await w.record({ action: 'person.move', entity: 'person', entityId: personId, before: { unitId: before.unit?.id ?? null }, after: { unitId, effectiveFrom: from }, reason });
  return after;
}

export async function unitHistory(db: Db, personId: number) {
  return db
    .selectFrom('person_unit')
    .innerJoin('unit', 'unit.id', 'person_unit.unit_id')
    .select(['unit.id as unitId', 'unit.name as unitName', 'person_unit.effective_from as from', 'person_unit.effective_to as to'])
    .where('person_unit.person_id', '=', personId)
    .orderBy('person_unit.effective_from')
    .execute();
}


export interface PeopleFilter {
  unitIds?: readonly number[];
  role?: Role;
  ids?: readonly number[];
  /** Part of a designation or a name, any case. */
  search?: string;
}

/** One page of the roster in designation order, and how many people match in all. */
export interface PeoplePage {
  people: PersonView[];
  total: number;
}

/** `pattern` for LIKE with its wildcards taken literally (escaped with a backslash). */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The people matching `filter` joined to their current unit; `listPeople` and `listPeoplePage` select from it. */
function matchingPeople(db: Db, filter: PeopleFilter) {
  let q = db
    .selectFrom('person')
    .leftJoin('person_unit', (j) => j.onRef('person_unit.person_id', '=', 'person.id').on('person_unit.effective_to', 'is', null))
    .leftJoin('unit', 'unit.id', 'person_unit.unit_id');
  if (filter.unitIds) q = q.where('person_unit.unit_id', 'in', filter.unitIds);
  if (filter.ids) q = q.where('person.id', 'in', filter.ids);
  if (filter.role) {
    const role = filter.role;
    q = q.where((eb) => eb.exists(eb.selectFrom('person_role').select('person_role.role').whereRef('person_role.person_id', '=', 'person.id').where('person_role.role', '=', role)));
  }
  const search = filter.search?.trim();
  if (search) {
    // designation_key is the designation upper-cased; lower() makes the name match any case on both databases.
    q = q.where(
      (eb) => eb.or([sql<boolean>`${eb.ref('person.designation_key')} like ${containing(designationKey(search))} escape '\\'`, sql<boolean>`lower(${eb.ref('person.name')}) like ${containing(search.toLowerCase())} escape '\\'`]),
    );
  }
  return q;
}

/** People with their current unit and roles, in one query per table; `page` takes `limit` of them from `offset`. */
export async function listPeople(db: Db, filter: PeopleFilter = {}, page?: { limit: number; offset: number }): Promise<PersonView[]> {
  if (filter.unitIds?.length === 0 || filter.ids?.length === 0) return [];
  const rows = await matchingPeople(db, filter)
    .select([
      'person.id',
      'person.designation',
      'person.name',
      'person.rank',
      'person.status',
      'person.date_of_birth',
      'person.sex',
      'unit.id as unit_id',
      'unit.name as unit_name',
    ])
    .orderBy('person.designation_key')
    .$if(page !== undefined, (qb) => qb.limit(page?.limit ?? 0).offset(page?.offset ?? 0))
    .execute();
  if (rows.length === 0) return [];
  const roleRows = await db
    .selectFrom('person_role')
    .select(['person_id', 'role'])
    .$if(rows.length <= 1000, (qb) => qb.where('person_id', 'in', rows.map((r) => r.id)))
    .execute();
  const rolesByPerson = new Map<number, Role[]>();
  for (const r of roleRows) {
    const list = rolesByPerson.get(r.person_id) ?? [];
    list.push(r.role);
    rolesByPerson.set(r.person_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    designation: r.designation,
    name: r.name,
    rank: r.rank,
    status: r.status,
    dateOfBirth: r.date_of_birth,
    sex: r.sex,
    unit: r.unit_id === null || r.unit_name === null ? null : { id: r.unit_id, name: r.unit_name },
    roles: (rolesByPerson.get(r.id) ?? []).sort(),
  }));
}

/** `limit` people from `offset`, with the count of everyone matching (for "1–50 of 10,000"). */
export async function listPeoplePage(db: Db, filter: PeopleFilter, page: { limit: number; offset: number }): Promise<PeoplePage> {
  if (filter.unitIds?.length === 0 || filter.ids?.length === 0) return { people: [], total: 0 };
  const [people, counted] = await Promise.all([
    listPeople(db, filter, page),
    matchingPeople(db, filter).select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { people, total: Number(counted.total) };
}

export async function getPerson(db: Db, id: number): Promise<PersonView> {
  const [person] = await listPeople(db, { ids: [id] });
  if (!person) throw notFound(`person ${id}`);
  return person;
}

/** The participants now in `unitIds`, with their unit, in designation order: one query, for cohort dashboards. */
export async function participantsOf(db: Db, unitIds: readonly number[]) {
  if (unitIds.length === 0) return [];
  return db
    .selectFrom('person_unit')
    .innerJoin('person', 'person.id', 'person_unit.person_id')
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person.id').on('person_role.role', '=', 'participant'))
    .select(['person.id', 'person.designation', 'person.name', 'person.rank', 'person_unit.unit_id'])
    .where('person_unit.unit_id', 'in', unitIds)
    .where('person_unit.effective_to', 'is', null)
    .orderBy('person.designation_key')
    .execute();
}

/** How many participants now in each of `unitIds` (its own members) hold each status: one grouped query, for cohort dashboards. */
export async function statusCountsByUnit(db: Db, unitIds: readonly number[]): Promise<Map<number, Record<PersonStatus, number>>> {
  const counts = new Map<number, Record<PersonStatus, number>>();
  if (unitIds.length === 0) return counts;
  const rows = await db
    .selectFrom('person_unit')
    .innerJoin('person', 'person.id', 'person_unit.person_id')
    .innerJoin('person_role', (j) => j.onRef('person_role.person_id', '=', 'person.id').on('person_role.role', '=', 'participant'))
    .select(['person_unit.unit_id', 'person.status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('person_unit.unit_id', 'in', unitIds)
    .where('person_unit.effective_to', 'is', null)
    .groupBy(['person_unit.unit_id', 'person.status'])
    .execute();
  for (const r of rows) {
    const unit = counts.get(r.unit_id) ?? (Object.fromEntries(personStatuses.map((s) => [s, 0])) as Record<PersonStatus, number>);
    unit[r.status] = Number(r.n);
    counts.set(r.unit_id, unit);
  }
  return counts;
}

/** The IANA zone of each person's current unit; people without a unit get UTC. */
export async function timeZonesOf(db: Db, personIds: readonly number[]): Promise<Map<number, string>> {
  const zones = new Map<number, string>(personIds.map((id) => [id, 'UTC']));
  for (let i = 0; i < personIds.length; i += 1000) {
    const rows = await db
      .selectFrom('person_unit')
      .innerJoin('unit', 'unit.id', 'person_unit.unit_id')
      .select(['person_unit.person_id', 'unit.time_zone'])
      .where('person_unit.effective_to', 'is', null)
      .where('person_unit.person_id', 'in', personIds.slice(i, i + 1000))
      .execute();
    for (const r of rows) zones.set(r.person_id, r.time_zone);
  }
  return zones;
}

export async function findPersonByDesignation(db: Db, designation: string): Promise<PersonView | undefined> {
  const row = await db.selectFrom('person').select('id').where('designation_key', '=', designationKey(designation)).executeTakeFirst();
  return row ? getPerson(db, row.id) : undefined;
}

export interface ChainLink {
  relation: 'trainer' | 'commander';
  unitId: number;
  unitName: string;
  /** 0 for the person's own unit, 1 for its parent, and so on upwards. */
  level: number;
  person: { id: number; designation: string; name: string; rank: string };
}

/**
 * A person's chain of command, nearest first: the trainers of their unit, its commander,
 * then the commander (and trainers) of each unit above. One recursive query.
 */
export async function chainOfCommand(db: Db, personId: number): Promise<ChainLink[]> {
  await getPerson(db, personId);
  const rows = await db
    .withRecursive('up(unit_id, level)', (qb) =>
      qb
        .selectFrom('person_unit')
        .select(['person_unit.unit_id', sql<number>`0`.as('level')])
        .where('person_unit.person_id', '=', personId)
        .where('person_unit.effective_to', 'is', null)
        .unionAll((qb2) => qb2.selectFrom('unit').innerJoin('up', 'up.unit_id', 'unit.id').select([(eb) => eb.ref('unit.parent_id').$notNull().as('unit_id'), sql<number>`up.level + 1`.as('level')]).where('unit.parent_id', 'is not', null)),
    )
    .selectFrom('up')
    .innerJoin('unit', 'unit.id', 'up.unit_id')
    .leftJoin('unit_trainer', 'unit_trainer.unit_id', 'unit.id')
    .innerJoin('person', (j) => j.on((eb) => eb.or([eb('person.id', '=', eb.ref('unit_trainer.person_id')), eb('person.id', '=', eb.ref('unit.commander_person_id'))])))
    .select([
      'up.level',
      'unit.id as unit_id',
      'unit.name as unit_name',
      'unit.commander_person_id',
      'person.id',
      'person.designation',
      'person.name',
      'person.rank',
    ])
    .orderBy('up.level')
    .orderBy('person.designation_key')
    .execute();
  const seen = new Set<string>();
  const links: ChainLink[] = [];
  for (const r of rows) {
    const relation = r.id === r.commander_person_id ? 'commander' : 'trainer';
    const key = `${r.unit_id}:${r.id}:${relation}`;
    if (seen.has(key) || r.id === personId) continue;
    seen.add(key);
    links.push({ relation, unitId: r.unit_id, unitName: r.unit_name, level: Number(r.level), person: { id: r.id, designation: r.designation, name: r.name, rank: r.rank } });
  }
  // Within a level, trainers come before the commander.
  return links.sort((a, b) => a.level - b.level || (a.relation === b.relation ? 0 : a.relation === 'trainer' ? -1 : 1));
}

// ---- import ----


/**
 * Applies checked roster rows: new designations are created, changed ones updated, identical
 * ones left alone, so importing the same file twice changes nothing. Unknown units are refused
 * per row. The caller's transaction makes it all or nothing.
 */
const unitIdsByName = async (db: Db) => new Map((await db.selectFrom('unit').select(['id', 'name']).execute()).map((u) => [u.name.toLowerCase(), u.id]));

/** What a roster row names that the import checks against the stored roster and the rest of the file. */
export type RosterReference = Pick<RosterImportRow, 'line' | 'unit' | 'designation'>;

/**
 * What roster rows ask that the stored roster cannot give: a unit that does not exist, a
 * designation twice in the file. An empty unit or designation is the row's own check's to report.
 */
export async function rosterImportProblems(db: Db, rows: readonly RosterReference[]): Promise<RowProblem[]> {
  const units = await unitIdsByName(db);
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    if (row.unit && !units.has(row.unit.toLowerCase())) problems.push({ line: row.line, column: 'unit', reason: `unit '${row.unit}' does not exist` });
    if (!row.designation) continue;
    const key = designationKey(row.designation);
    const first = seen.get(key);
    if (first !== undefined) problems.push({ line: row.line, column: 'designation', reason: `${row.designation} is also on line ${first}` });
    else seen.set(key, row.line);
  }
  return problems;
}

export async function importRoster(w: Writer, rows: RosterImportRow[]): Promise<ImportSummary | { problems: RowProblem[] }> {
  // Checked again inside the transaction: the units may have changed since the file was read.
  const problems = await rosterImportProblems(w.db, rows);
  if (problems.length) return { problems };
  const units = await unitIdsByName(w.db);

  const summary: ImportSummary = { created: 0, updated: 0, unchanged: 0 };
  for (const row of rows) {
    const unitId = units.get(row.unit.toLowerCase())!;
    const existing = await findPersonByDesignation(w.db, row.designation);
    if (!existing) {
      await createPerson(w, {
        designation: row.designation,
        name: row.name,
        rank: row.rank,
        status: row.status ?? 'active',
        dateOfBirth: row.dateOfBirth ?? null,
        sex: row.sex ?? null,
        unitId,
        roles: row.roles,
      });
      summary.created += 1;
      continue;
    }
    const patch: PersonPatch = {};
    if (existing.name !== row.name) patch.name = row.name;
    if (existing.rank !== row.rank) patch.rank = row.rank;
    if (row.status !== undefined && existing.status !== row.status) patch.status = row.status;
    if (row.dateOfBirth !== undefined && existing.dateOfBirth !== row.dateOfBirth) patch.dateOfBirth = row.dateOfBirth;
    if (row.sex !== undefined && existing.sex !== row.sex) patch.sex = row.sex;
    if ([...row.roles].sort().join() !== existing.roles.join()) patch.roles = row.roles;
    const moves = existing.unit?.id !== unitId;
    if (Object.keys(patch).length) await updatePerson(w, existing.id, { ...patch, reason: 'roster import' });
    if (moves) await movePerson(w, existing.id, unitId, w.now, 'roster import');
    if (Object.keys(patch).length || moves) summary.updated += 1;
    else summary.unchanged += 1;
  }
  return summary;
}
