import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import type { Db } from '../store/db.ts';
import { saveReport, type WellnessInput } from './store.ts';

export const goodDay: WellnessInput = { sleepQuality: 6, fatigue: 2, stress: 3, soreness: 4, hoursSlept: 7.5 };

/** Stores a report for a person on a local day, as if they had entered it then. */
export async function reportOn(db: Db, personId: number, date: string, input: Partial<WellnessInput> = {}) {
  return write(db, systemActor('test'), (w) => saveReport(w, personId, date, { ...goodDay, ...input }));
}
