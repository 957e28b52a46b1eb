import type { Actor } from '../shared/actor.ts';
import type { Clock } from '../shared/clock.ts';
import type { Db } from '../store/db.ts';
import { writeEach } from '../store/write.ts';
import { checkIn, type CheckInInput, type CheckInResult } from './check-ins.ts';

/** At most this many check-ins share one transaction. */
const MAX_GROUP = 256;

interface Waiting {
  actor: Actor;
  input: CheckInInput;
  resolve: (result: CheckInResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Check-ins commit in groups (docs/schedule.md, "Speed"): a durable commit waits for the disk
 * (SQLite with synchronous=FULL: a few milliseconds an fsync), so one commit per check-in caps a
 * door at a few hundred a second. Check-ins that arrive together wait for the same commit: the
 * queue starts a group on the next turn of the event loop (`setImmediate`, after the requests
 * already read have reached it) and again as soon as a group commits. Each check-in keeps its own
 * savepoint, audit event and answer; none is acknowledged before its group commits.
 */
export function checkInQueue(db: Db, clock: Clock, toleranceMinutes: number) {
  const waiting: Waiting[] = [];
  let scheduled = false;

  async function commitGroups(): Promise<void> {
    while (waiting.length > 0) {
      const group = waiting.splice(0, MAX_GROUP);
      try {
        const results = await writeEach(
          db,
          group.map(({ actor, input }) => ({ actor, run: (w) => checkIn(w, actor.kiosk!, input, toleranceMinutes) })),
          clock,
        );
        results.forEach((result, i) => (result.status === 'fulfilled' ? group[i].resolve(result.value) : group[i].reject(result.reason)));
      } catch (error) {
        for (const item of group) item.reject(error);
      }
      // Let the requests that arrived during the commit join the next group.
      await new Promise((resolve) => setImmediate(resolve));
    }
    scheduled = false;
  }

  return (actor: Actor, input: CheckInInput): Promise<CheckInResult> =>
    new Promise((resolve, reject) => {
      waiting.push({ actor, input, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void commitGroups());
      }
    });
}
