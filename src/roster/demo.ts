import type { Role } from '../shared/actor.ts';
import type { Db } from '../store/db.ts';
import { insertRows } from '../store/bulk-insert.ts';
import { seededRandom } from '../shared/random.ts';
import { addDays, localDateOf, localToInstant } from '../shared/time.ts';
import type { Writer } from '../store/write.ts';
import { designationKey } from './model.ts';
import { createPerson, createUnit, setUnitStaff } from './store.ts';

/** First names by the sex the roster records, so a name never contradicts it (the skinfold equations go by sex). */
const firstNames = {
  male: ['James', 'Liam', 'Noah', 'Oliver', 'Jack', 'Harry', 'George', 'Leo', 'Oscar', 'Charlie', 'Thomas', 'Arthur', 'Henry', 'Alfie', 'Theo'],
  female: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Ivy', 'Freya', 'Lily', 'Grace', 'Ella', 'Emily', 'Sophie', 'Chloe', 'Poppy', 'Evie'],
} as const;
const lastNames = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Khan', 'Lewis', 'Hughes', 'Edwards', 'Murphy', 'Baker', 'Bell', 'Cooper', 'Ward'];

/**
 * How far back the demo's history reaches: everyone is in their unit from then on. The demo's
 * data starts later (the trial's set-up 117 days back, training and wellness 12 weeks back), or,
 * with more weeks of training and wellness, a week before their first.
 */
export const DEMO_HISTORY_DAYS = 120;

export const demoHistoryDays = (weeks: number) => Math.max(DEMO_HISTORY_DAYS, (weeks + 1) * 7);

export interface DemoRoster {
  companyId: number;
  platoonIds: number[];
  participantIds: number[];
  trainerIds: number[];
  assessorId: number;
}

/**
 * The demo cohort: a company with two platoons, 60 participants (more on request), their
 * trainers, commanders, an assessor, a monitor, a statistician and an admin. Every unit name
 * says "(demo)" so nobody mistakes it for real data.
 */
export async function loadDemoRoster(w: Writer, participants = 60, zone = 'Europe/London', weeks = 12): Promise<DemoRoster> {
  const company = await createUnit(w, { name: 'A Company (demo)', kind: 'company', parentId: null, timeZone: zone });
  const platoons = [
    await createUnit(w, { name: '1 Platoon (demo)', kind: 'platoon', parentId: company.id, timeZone: zone }),
    await createUnit(w, { name: '2 Platoon (demo)', kind: 'platoon', parentId: company.id, timeZone: zone }),
  ];

  const staff = (designation: string, name: string, rank: string, roles: Role[], unitId: number | null) =>
    createPerson(w, { designation, name, rank, status: 'active', dateOfBirth: null, sex: null, unitId, roles });

  await staff('ADM-001', 'Alex Admin', '', ['admin'], null);
  const oc = await staff('OC-001', 'Catherine Hale', 'Maj', ['investigator'], company.id);
  const platoonCommanders = [
    await staff('PC-001', 'Daniel Reid', 'Lt', ['investigator'], platoons[0].id),
    await staff('PC-002', 'Priya Nair', 'Lt', ['investigator'], platoons[1].id),
  ];
  const pti = await staff('PTI-001', 'Sam Carter', 'Sgt', ['trainer'], company.id);
  const trainers = [
    await staff('PTI-002', 'Megan Doyle', 'Cpl', ['trainer'], platoons[0].id),
    await staff('PTI-003', 'Ryan Okafor', 'Cpl', ['trainer'], platoons[1].id),
  ];
  const assessor = await staff('ASR-001', 'Helen Moss', 'Dr', ['assessor'], null);
  await staff('MON-001', 'Victor Lang', '', ['monitor'], null);
  await staff('STA-001', 'Nadia Rahman', 'Dr', ['statistician'], null);

  await setUnitStaff(w, company.id, { commanderId: oc.id, trainerIds: [pti.id] });
  for (const [i, platoon] of platoons.entries()) await setUnitStaff(w, platoon.id, { commanderId: platoonCommanders[i].id, trainerIds: [trainers[i].id] });

  const random = seededRandom(7);
  const at = w.now.toISOString();
  const people = [];
  for (let i = 1; i <= participants; i++) {
    const sex: 'female' | 'male' = random() < 0.3 ? 'female' : 'male';
    const first = firstNames[sex][Math.floor(random() * firstNames[sex].length)];
    const last = lastNames[Math.floor(random() * lastNames.length)];
    const year = 2000 + Math.floor(random() * 7);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const designation = `JB-${String(i).padStart(3, '0')}`;
    const dateOfBirth = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    people.push({ designation, designation_key: designationKey(designation), name: `${first} ${last}`, rank: 'Rct', status: 'active' as const, date_of_birth: dateOfBirth, sex, created_at: at, updated_at: at });
  }
  // The participants in bulk: the rows createPerson would write, one audit event naming them all.
  const participantIds = await insertRows(w.db, 'person', people, { ids: true });
  await insertRows(w.db, 'person_role', participantIds.map((id) => ({ person_id: id, role: 'participant' })));
  await insertRows(w.db, 'person_unit', participantIds.map((id, k) => ({ person_id: id, unit_id: platoons[k % platoons.length].id, effective_from: at, effective_to: null })));
  if (participantIds.length > 0) await w.record({ action: 'person.create', entity: 'person', entityId: participantIds[0], after: { source: 'demo', ids: participantIds } });
  // Everyone has been in their unit since the demo's history starts, not since the moment it was loaded.
  const since = localToInstant(addDays(localDateOf(w.now, zone), -demoHistoryDays(weeks)), '00:00', zone);
  await w.db.updateTable('person_unit').set({ effective_from: since }).where('effective_from', '=', at).execute();
  await w.record({ action: 'demo.load', entity: 'demo', entityId: 'roster', after: { units: 3, participants, memberships_from: since } });
  return { companyId: company.id, platoonIds: platoons.map((p) => p.id), participantIds, trainerIds: [pti.id, ...trainers.map((t) => t.id)], assessorId: assessor.id };
}

/** The demo roster as loadDemoRoster left it, read back by the demo steps that follow it. */
export async function readDemoRoster(db: Db): Promise<DemoRoster> {
  const units = await db.selectFrom('unit').select(['id', 'parent_id', 'name']).orderBy('id').execute();
  const company = units.find((u) => u.name === 'A Company (demo)');
  if (!company) throw new Error('the demo roster is not loaded');
  const people = await db.selectFrom('person').innerJoin('person_role', 'person_role.person_id', 'person.id').select(['person.id', 'person.designation', 'person_role.role']).orderBy('person.id').execute();
  const withRole = (role: string) => people.filter((p) => p.role === role).map((p) => p.id);
  return {
    companyId: company.id,
    platoonIds: units.filter((u) => u.parent_id === company.id).map((u) => u.id),
    participantIds: withRole('participant'),
    trainerIds: withRole('trainer'),
    assessorId: people.find((p) => p.designation === 'ASR-001')!.id,
  };
}
