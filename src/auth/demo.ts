import type { DemoContext } from '../shared/capability.ts';
import type { Writer } from '../store/write.ts';
import { createAccount } from './store.ts';

export const DEMO_PASSWORD = 'demo-password';

/** Who in the demo roster can sign in, and as what username. */
const demoUsernames: Record<string, string> = {
  'ADM-001': 'admin',
  'OC-001': 'commander',
  'PC-001': 'lt.reid',
  'PC-002': 'lt.nair',
  'PTI-001': 'trainer',
  'PTI-002': 'trainer1',
  'PTI-003': 'trainer2',
  'ASR-001': 'assessor',
  'MON-001': 'monitor',
  'STA-001': 'statistician',
  'JB-001': 'jb-001',
};

/** Gives the demo's staff and its first participant a login, all with DEMO_PASSWORD. */
export async function loadDemoLogins(w: Writer, demo: DemoContext): Promise<void> {
  const people = await w.db
    .selectFrom('person')
    .select(['id', 'designation', 'name', 'rank'])
    .where('designation', 'in', Object.keys(demoUsernames))
    .orderBy('id')
    .execute();
  for (const person of people) {
    const username = demoUsernames[person.designation];
    const roles = await w.db.selectFrom('person_role').select('role').where('person_id', '=', person.id).execute();
    await createAccount(w, { username, password: DEMO_PASSWORD, personId: person.id });
    const participant = roles.some((r) => r.role === 'participant');
    demo.logins.push({ username, role: roles.map((r) => r.role).join(', '), who: participant ? `${person.rank} ${person.name} (${person.designation})` : `${person.rank} ${person.name}`.trim() });
  }
}
