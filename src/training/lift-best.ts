import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import type { Writer } from '../store/write.ts';

/**
 * Lift bests kept on write (docs/adr/0008, "Recent bests"): one row for every set heavier than any
 * earlier set of its person and exercise, when there was an earlier one to beat, with that earlier
 * heaviest. The rule is `personalBests`' heaviest-load rule: sets of at least one rep that are not
 * warm-ups, earlier meaning an earlier session start, or the same start and a lower id. The
 * cohort's recent bests read these rows newest first instead of checking every set of a window's
 * sessions against all the sets before it (at a year of history, the slowest answer of the
 * commander's screens). Whether the session was held and who is in which unit are read with them.
 *
 * Kept by each write that adds, changes or removes a set or moves a session in time: the pairs
 * of person and exercise it touched are computed again from their sets (`refreshLiftBests`).
 */
export interface LiftBestTables {
  lift_best: { set_id: number; person_id: number; exercise_id: number; session_id: number; starts_at: string; load_kg: number; previous_kg: number | null };
}

/** A person's lifts of one exercise: the unit the bests are kept in. */
export interface LiftPair {
  personId: number;
  exerciseId: number;
}

/** The pairs of person and exercise of some sets, each once. */
export function liftPairsOf(sets: readonly { person_id: number; exercise_id: number }[]): LiftPair[] {
  const seen = new Map<string, LiftPair>();
  for (const s of sets) seen.set(`${s.person_id} ${s.exercise_id}`, { personId: s.person_id, exerciseId: s.exercise_id });
  return [...seen.values()];
}

/**
 * The bests among the sets of `people` (all when not given) and `exercises`, by SQL's window over
 * each person's and exercise's sets in order: the count and heaviest of the sets before each.
 */
function insertBests(db: Db, people?: readonly number[], exercises?: readonly number[]) {
  const only = people && exercises ? sql`and s.person_id in (${sql.join(people)}) and s.exercise_id in (${sql.join(exercises)})` : sql``;
  return sql`
    insert into lift_best (set_id, person_id, exercise_id, session_id, starts_at, load_kg, previous_kg)
    select id, person_id, exercise_id, session_id, starts_at, load_kg, previous_kg from (
      select s.id, s.person_id, s.exercise_id, s.session_id, t.starts_at, s.load_kg,
        count(*) over earlier as before_count,
        max(s.load_kg) over earlier as previous_kg
      from training_set s join training_session t on t.id = s.session_id
      where s.reps >= 1 and s.kind <> 'warmup' ${only}
      window earlier as (partition by s.person_id, s.exercise_id order by t.starts_at, s.id rows between unbounded preceding and 1 preceding)
    ) ordered
    where before_count > 0 and load_kg > 0 and (previous_kg is null or load_kg > previous_kg)`.execute(db);
}

/** Computes the bests of the pairs again from their sets; pairs of people and exercises crossed are computed too, unchanged. */
export async function refreshLiftBests(w: Writer, pairs: readonly LiftPair[]): Promise<void> {
  if (pairs.length === 0) return;
  const people = [...new Set(pairs.map((p) => p.personId))];
  const exercises = [...new Set(pairs.map((p) => p.exerciseId))];
  // A bulk write's people a batch at a time, within the database's limit on a statement's parameters.
  for (let i = 0; i < people.length; i += 1000) {
    const batch = people.slice(i, i + 1000);
    await w.db.deleteFrom('lift_best').where('person_id', 'in', batch).where('exercise_id', 'in', exercises).execute();
    await insertBests(w.db, batch, exercises);
  }
}

/** The pairs of the sets of some sessions: what a session moved in time changes. */
export async function liftPairsOfSessions(db: Db, sessionIds: readonly number[]): Promise<LiftPair[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db.selectFrom('training_set').select(['person_id', 'exercise_id']).distinct().where('session_id', 'in', sessionIds).execute();
  return rows.map((r) => ({ personId: r.person_id, exerciseId: r.exercise_id }));
}

/** Every best computed again from the sets: after a bulk load, and in the tests that compare kept with rebuilt. */
export async function rebuildLiftBests(w: Writer): Promise<void> {
  await w.db.deleteFrom('lift_best').execute();
  await insertBests(w.db);
}
