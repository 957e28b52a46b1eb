import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import { insertRows } from '../store/bulk-insert.ts';

/**
 * Lift bests kept on write (docs/adr/0008, "Recent bests"): one row for every set heavier than any
 * earlier set of its person and exercise, when there was an earlier one to beat, with that earlier
 * heaviest. The rule is `personalBests`' heaviest-load rule: sets of at least one rep that are not
 * warm-ups, earlier meaning an earlier session start, or the same start and a lower id. The
 * cohort's recent bests read these rows newest first instead of checking every set of a window's
 * sessions against all the sets before it (at a year of history, the slowest answer of the
 * commander's screens). Whether the session was held and who is in which unit are read with them.
 *
 * `lift_pair` keeps each person's and exercise's newest counted set and heaviest load, so that
 * new sets after all the others, as a session is logged, are checked against it alone
 * (`LiftBestKeeper`). Anything else (a back-dated set, a set changed or removed, a session moved
 * in time) computes the pairs it touched again from their sets (`refreshLiftBests`).
 */
export interface LiftBestTables {
  lift_best: { set_id: number; person_id: number; exercise_id: number; session_id: number; starts_at: string; load_kg: number; previous_kg: number | null };
  lift_pair: { person_id: number; exercise_id: number; last_starts_at: string; last_set_id: number; best_kg: number | null };
}

/** A person's lifts of one exercise: the unit the bests are kept in. */
export interface LiftPair {
  personId: number;
  exerciseId: number;
}

/**
 * A pair as one number, person id × 2²¹ + exercise id: a keeper looks pairs up a million times in
 * an import, and a number hashes without building a string. Exact while exercise ids stay under
 * 2²¹ (2 million) and the product under 2⁵³ (person ids under 4 billion).
 */
const EXERCISE_KEYS = 2 ** 21;
function pairKey(personId: number, exerciseId: number): number {
  if (exerciseId >= EXERCISE_KEYS) throw new Error(`exercise id ${exerciseId} is beyond the lift bests' pair keys`);
  return personId * EXERCISE_KEYS + exerciseId;
}

/** The pairs of person and exercise of some sets, each once. */
export function liftPairsOf(sets: readonly { person_id: number; exercise_id: number }[]): LiftPair[] {
  const seen = new Map<number, LiftPair>();
  for (const s of sets) {
    const key = pairKey(s.person_id, s.exercise_id);
    // An object a pair, not a set: a million-set import made a million of them.
    if (!seen.has(key)) seen.set(key, { personId: s.person_id, exerciseId: s.exercise_id });
  }
  return [...seen.values()];
}

/** Sets that take part in the rule: at least one rep, not a warm-up. */
const counts = (s: { reps: number | null; kind: string }) => s.reps !== null && s.reps >= 1 && s.kind !== 'warmup';

/**
 * The bests and the pairs' newest set and heaviest among the sets of `people` (all when not
 * given) and `exercises`, by SQL's windows over each person's and exercise's sets in order.
 */
async function insertFromSets(db: Db, people?: readonly number[], exercises?: readonly number[]) {
  const only = people && exercises ? sql`and s.person_id in (${sql.join(people)}) and s.exercise_id in (${sql.join(exercises)})` : sql``;
  const counted = sql`from training_set s join training_session t on t.id = s.session_id where s.reps >= 1 and s.kind <> 'warmup' ${only}`;
  await sql`
    insert into lift_best (set_id, person_id, exercise_id, session_id, starts_at, load_kg, previous_kg)
    select id, person_id, exercise_id, session_id, starts_at, load_kg, previous_kg from (
      select s.id, s.person_id, s.exercise_id, s.session_id, t.starts_at, s.load_kg,
        count(*) over earlier as before_count,
        max(s.load_kg) over earlier as previous_kg
      ${counted}
      window earlier as (partition by s.person_id, s.exercise_id order by t.starts_at, s.id rows between unbounded preceding and 1 preceding)
    ) ordered
    where before_count > 0 and load_kg > 0 and (previous_kg is null or load_kg > previous_kg)`.execute(db);
  await sql`
    insert into lift_pair (person_id, exercise_id, last_starts_at, last_set_id, best_kg)
    select person_id, exercise_id, starts_at, id, best_kg from (
      select s.person_id, s.exercise_id, t.starts_at, s.id,
        max(s.load_kg) over (partition by s.person_id, s.exercise_id) as best_kg,
        row_number() over (partition by s.person_id, s.exercise_id order by t.starts_at desc, s.id desc) as newest
      ${counted}
    ) ordered
    where newest = 1`.execute(db);
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
    await w.db.deleteFrom('lift_pair').where('person_id', 'in', batch).where('exercise_id', 'in', exercises).execute();
    await insertFromSets(w.db, batch, exercises);
  }
}

/** A set just written: the columns its bests need (its id comes beside it). */
export interface NewSet {
  session_id: number;
  person_id: number;
  exercise_id: number;
  reps: number | null;
  load_kg: number | null;
  kind: string;
}

type PairState = LiftBestTables['lift_pair'];

/**
 * The bests among sets as they are added, over one batch (a form, a session) or many (an
 * import), written by `flush`. A pair whose new sets all come after its newest stored set is
 * checked against its kept heaviest, in order, and its state carried on in memory; any other
 * pair is computed again from its sets at `flush`, and its later sets in the same keeper wait for
 * that too. Each pair's state is read from the database once a keeper.
 */
export class LiftBestKeeper {
  /** Pairs' states as read or carried on; null: the pair had no counted set. */
  private readonly states = new Map<number, PairState | null>();
  private readonly changed = new Set<number>();
  private readonly again = new Set<number>();
  private readonly startOf = new Map<number, string>();
  private bests: LiftBestTables['lift_best'][] = [];

  constructor(private readonly w: Writer) {}

  /**
   * Sets just written and their ids, in the same order. The sets are the writer's own rows, read
   * by their place and never copied: an import passes a million.
   */
  async add(sets: readonly NewSet[], ids: readonly number[]): Promise<void> {
    const counted: number[] = [];
    for (let i = 0; i < sets.length; i++) if (counts(sets[i]) && !this.again.has(pairKey(sets[i].person_id, sets[i].exercise_id))) counted.push(i);
    if (counted.length === 0) return;
    const countedSets = counted.map((i) => sets[i]);
    await this.readStarts(countedSets);
    await this.readStates(countedSets);
    const startOf = (i: number) => this.startOf.get(sets[i].session_id)!;
    const byPair = new Map<number, number[]>();
    for (const i of counted) {
      const key = pairKey(sets[i].person_id, sets[i].exercise_id);
      const own = byPair.get(key);
      if (own) own.push(i);
      else byPair.set(key, [i]);
    }
    const earlier = (a: number, b: number) => (startOf(a) < startOf(b) ? -1 : startOf(a) > startOf(b) ? 1 : ids[a] - ids[b]);
    const later = (i: number, b: PairState) => startOf(i) > b.last_starts_at || (startOf(i) === b.last_starts_at && ids[i] > b.last_set_id);
    for (const [key, own] of byPair) {
      own.sort(earlier);
      const state = this.states.get(key) ?? null;
      if (state && !later(own[0], state)) {
        this.again.add(key);
        continue;
      }
      let seen = state !== null;
      let best = state?.best_kg ?? null;
      for (const i of own) {
        const { person_id, exercise_id, session_id, load_kg } = sets[i];
        if (seen && load_kg !== null && load_kg > 0 && (best === null || load_kg > best)) {
          this.bests.push({ set_id: ids[i], person_id, exercise_id, session_id, starts_at: startOf(i), load_kg, previous_kg: best });
        }
        seen = true;
        if (load_kg !== null && (best === null || load_kg > best)) best = load_kg;
      }
      const last = own[own.length - 1];
      // Carried on in place: a new object a pair and batch became old garbage by the million in an import.
      if (state) Object.assign(state, { last_starts_at: startOf(last), last_set_id: ids[last], best_kg: best });
      else this.states.set(key, { person_id: sets[last].person_id, exercise_id: sets[last].exercise_id, last_starts_at: startOf(last), last_set_id: ids[last], best_kg: best });
      this.changed.add(key);
    }
  }

  /** Writes the bests found and the pairs' states, then computes the pairs that could not be carried on again from their sets. */
  async flush(): Promise<void> {
    await insertRows(this.w.db, 'lift_best', this.bests);
    const states = [...this.changed].filter((key) => !this.again.has(key)).map((key) => this.states.get(key)!);
    for (let i = 0; i < states.length; i += 500) {
      await this.w.db
        .insertInto('lift_pair')
        .values(states.slice(i, i + 500))
        .onConflict((c) => c.columns(['person_id', 'exercise_id']).doUpdateSet((e) => ({ last_starts_at: e.ref('excluded.last_starts_at'), last_set_id: e.ref('excluded.last_set_id'), best_kg: e.ref('excluded.best_kg') })))
        .execute();
    }
    await refreshLiftBests(this.w, liftPairsOfKeys(this.again));
    this.bests = [];
    this.changed.clear();
    this.again.clear();
    this.states.clear();
  }

  private async readStarts(sets: readonly NewSet[]) {
    const unknown = [...new Set(sets.map((s) => s.session_id))].filter((id) => !this.startOf.has(id));
    for (let i = 0; i < unknown.length; i += 1000) {
      for (const s of await this.w.db.selectFrom('training_session').select(['id', 'starts_at']).where('id', 'in', unknown.slice(i, i + 1000)).execute()) this.startOf.set(s.id, s.starts_at);
    }
  }

  /** The states of pairs not met before in this keeper, by the pairs themselves, a thousand a statement (a list of people would read all their exercises). */
  private async readStates(sets: readonly NewSet[]) {
    const unknown = liftPairsOf(sets).filter((p) => !this.states.has(pairKey(p.personId, p.exerciseId)));
    for (let i = 0; i < unknown.length; i += 1000) {
      const batch = unknown.slice(i, i + 1000);
      for (const p of batch) this.states.set(pairKey(p.personId, p.exerciseId), null);
      const rows = await this.w.db
        .selectFrom('lift_pair')
        .selectAll()
        .where((e) => e(e.refTuple('person_id', 'exercise_id'), 'in', batch.map((p) => e.tuple(p.personId, p.exerciseId))))
        .execute();
      for (const r of rows) this.states.set(pairKey(r.person_id, r.exercise_id), r);
    }
  }
}

/** The pairs some keys name. */
function liftPairsOfKeys(keys: Iterable<number>): LiftPair[] {
  return [...keys].map((k) => ({ personId: Math.floor(k / EXERCISE_KEYS), exerciseId: k % EXERCISE_KEYS }));
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
  await w.db.deleteFrom('lift_pair').execute();
  await insertFromSets(w.db);
}
