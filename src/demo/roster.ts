import type { Role } from '../auth/model.ts';
import { createAccount } from '../auth/store.ts';
import type { Writer } from '../audit/store.ts';
import { createPerson, createUnit, setUnitStaff } from '../roster/store.ts';

export const DEMO_PASSWORD = 'demo-password';

const firstNames = ['James', 'Olivia', 'Liam', 'Amelia', 'Noah', 'Isla', 'Oliver', 'Ava', 'Jack', 'Mia', 'Harry', 'Ivy', 'George', 'Freya', 'Leo', 'Lily', 'Oscar', 'Grace', 'Charlie', 'Ella', 'Thomas', 'Emily', 'Arthur', 'Sophie', 'Henry', 'Chloe', 'Alfie', 'Poppy', 'Theo', 'Evie'];
const lastNames = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Khan', 'Lewis', 'Hughes', 'Edwards', 'Murphy', 'Baker', 'Bell', 'Cooper', 'Ward'];

export interface DemoLogin {
  username: string;
  role: string;
  who: string;
}

export interface DemoRoster {
  companyId: number;
  platoonIds: number[];
  participantIds: number[];
  trainerIds: number[];
  assessorId: number;
  logins: DemoLogin[];
}

/** mulberry32: deterministic pseudo-random numbers, so every demo cohort and benchmark data set is the same. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The demo cohort: a company with two platoons, 60 participants (more on request), their
 * trainers, commanders, an assessor, a monitor, a statistician and an admin. Every unit name
 * says "(demo)" so nobody mistakes it for real data.
 */
export async function loadDemoRoster(w: Writer, participants = 60): Promise<DemoRoster> {
  const logins: DemoLogin[] = [];
  const company = await createUnit(w, { name: 'A Company (demo)', kind: 'company', parentId: null, timeZone: 'Europe/London' });
  const platoons = [
    await createUnit(w, { name: '1 Platoon (demo)', kind: 'platoon', parentId: company.id, timeZone: 'Europe/London' }),
    await createUnit(w, { name: '2 Platoon (demo)', kind: 'platoon', parentId: company.id, timeZone: 'Europe/London' }),
  ];

  async function staff(designation: string, name: string, rank: string, roles: Role[], username: string, unitId: number | null) {
    const person = await createPerson(w, { designation, name, rank, status: 'active', dateOfBirth: null, sex: null, unitId, roles });
    await createAccount(w, { username, password: DEMO_PASSWORD, personId: person.id });
    logins.push({ username, role: roles.join(', '), who: `${rank} ${name}`.trim() });
    return person;
  }

  await staff('ADM-001', 'Alex Admin', '', ['admin'], 'admin', null);
  const oc = await staff('OC-001', 'Catherine Hale', 'Maj', ['investigator'], 'commander', company.id);
  const platoonCommanders = [
    await staff('PC-001', 'Daniel Reid', 'Lt', ['investigator'], 'lt.reid', platoons[0].id),
    await staff('PC-002', 'Priya Nair', 'Lt', ['investigator'], 'lt.nair', platoons[1].id),
  ];
  const pti = await staff('PTI-001', 'Sam Carter', 'Sgt', ['trainer'], 'trainer', company.id);
  const trainers = [
    await staff('PTI-002', 'Megan Doyle', 'Cpl', ['trainer'], 'trainer1', platoons[0].id),
    await staff('PTI-003', 'Ryan Okafor', 'Cpl', ['trainer'], 'trainer2', platoons[1].id),
  ];
  const assessor = await staff('ASR-001', 'Helen Moss', 'Dr', ['assessor'], 'assessor', null);
  await staff('MON-001', 'Victor Lang', '', ['monitor'], 'monitor', null);
  await staff('STA-001', 'Nadia Rahman', 'Dr', ['statistician'], 'statistician', null);

  await setUnitStaff(w, company.id, { commanderId: oc.id, trainerIds: [pti.id] });
  for (const [i, platoon] of platoons.entries()) await setUnitStaff(w, platoon.id, { commanderId: platoonCommanders[i].id, trainerIds: [trainers[i].id] });

  const random = seededRandom(7);
  const participantIds: number[] = [];
  for (let i = 1; i <= participants; i++) {
    const sex = random() < 0.3 ? 'female' : 'male';
    const first = firstNames[Math.floor(random() * firstNames.length)];
    const last = lastNames[Math.floor(random() * lastNames.length)];
    const year = 2000 + Math.floor(random() * 7);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const person = await createPerson(w, {
      designation: `JB-${String(i).padStart(3, '0')}`,
      name: `${first} ${last}`,
      rank: 'Rct',
      status: 'active',
      dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      sex,
      unitId: platoons[(i - 1) % platoons.length].id,
      roles: ['participant'],
    });
    participantIds.push(person.id);
    if (i === 1) {
      await createAccount(w, { username: 'jb-001', password: DEMO_PASSWORD, personId: person.id });
      logins.push({ username: 'jb-001', role: 'participant', who: `Rct ${person.name} (JB-001)` });
    }
  }
  await w.record({ action: 'demo.load', entity: 'demo', entityId: 'roster', after: { units: 3, participants } });
  return { companyId: company.id, platoonIds: platoons.map((p) => p.id), participantIds, trainerIds: [pti.id, ...trainers.map((t) => t.id)], assessorId: assessor.id, logins };
}
