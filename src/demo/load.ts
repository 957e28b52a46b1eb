import { loadDemoAssessments } from '../assess/demo.ts';
import { systemActor } from '../auth/model.ts';
import { write } from '../audit/store.ts';
import type { Db } from '../store/db.ts';
import { loadDemoTraining } from '../training/demo.ts';
import { loadDemoWellness } from '../wellness/demo.ts';
import { loadDemoRoster, type DemoLogin } from './roster.ts';

export interface DemoResult {
  logins: DemoLogin[];
  participants: number;
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return !(await db.selectFrom('person').select('id').limit(1).executeTakeFirst());
}

/**
 * Loads the demo cohort into an empty database, in one transaction. Capabilities that add
 * demo data (training, trial, ...) add their step here, after the roster.
 */
export async function loadDemo(db: Db, options: { participants?: number } = {}): Promise<DemoResult> {
  return write(db, systemActor('demo'), async (w) => {
    const roster = await loadDemoRoster(w, options.participants);
    await loadDemoAssessments(w, roster.participantIds, roster.assessorId, 'Europe/London');
    await loadDemoWellness(w, roster.participantIds, 'Europe/London');
    await loadDemoTraining(w, roster, 'Europe/London');
    return { logins: roster.logins, participants: roster.participantIds.length };
  });
}
