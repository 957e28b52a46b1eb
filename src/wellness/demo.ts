import type { Insertable } from 'kysely';
import type { DemoContext } from '../shared/capability.ts';
import { readDemoRoster } from '../roster/index.ts';
import type { Database } from '../store/schema.ts';
import type { Writer } from '../store/write.ts';
import { seededRandom } from '../shared/random.ts';
import { addDays, localDateOf } from '../shared/time.ts';
import { insertRows } from '../store/bulk-insert.ts';
import { ITEM_MAX, ITEM_MIN, storedBaselinesOf, wellnessScore } from './model.ts';


/**
 * Twelve weeks (or `demo.weeks`) of daily reports for the demo cohort, ending today in the unit's
 * zone. Each person has their own usual answers; hard training weeks (3, 7, 11, ...) raise fatigue and
 * soreness; about one day in ten is missed, a quarter have not reported yet today and about
 * one in eight had a bad night, so the dashboard has flags and gaps to show. Deterministic apart from the date it ends on.
 */
export async function loadDemoWellness(w: Writer, demo: DemoContext): Promise<number> {
  const { participantIds } = await readDemoRoster(w.db);
  const timeZone = demo.zone;
  const random = seededRandom(2026);
  const today = localDateOf(w.now, timeZone);
  const days = demo.weeks * 7;
  const first = addDays(today, -(days - 1));
  const clamp = (x: number) => Math.min(ITEM_MAX, Math.max(ITEM_MIN, Math.round(x)));
  // Defined once, not per report: closures made in a hot loop cost more than the work in them.
  const noise = () => (random() - 0.5) * 1.6;
  const at = w.now.toISOString();
  const rows: Insertable<Database['wellness_report']>[] = [];
  for (const personId of participantIds) {
    const own: Omit<(typeof rows)[number], 'baseline_count' | 'baseline_sum' | 'baseline_sum_of_squares' | 'flagged'>[] = [];
    const usual = { sleep: 4.5 + random() * 1.5, fatigue: 2.5 + random() * 1.5, stress: 2 + random() * 1.5, soreness: 2.5 + random() * 1.5, hours: 6.5 + random() };
    for (let day = 0; day < days; day++) {
      const isToday = day === days - 1;
      if (random() < (isToday ? 0.25 : 0.1)) continue;
      const hardWeek = Math.floor(day / 7) % 4 === 2;
      const strain = hardWeek ? 1 + random() : 0;
      const badNight = isToday && random() < 0.12 ? 3 : 0;
      own.push({
        person_id: personId,
        local_date: addDays(first, day),
        sleep_quality: clamp(usual.sleep + noise() - strain / 2 - badNight),
        fatigue: clamp(usual.fatigue + noise() + strain),
        stress: clamp(usual.stress + noise() + badNight),
        soreness: clamp(usual.soreness + noise() + strain),
        hours_slept: Math.round((usual.hours + noise() - strain / 3 - badNight) * 4) / 4,
        reported_at: at,
        created_at: at,
        updated_at: at,
      });
    }
    // Each report's stored baseline and flag, in one pass over the person's days in order: what the reports' write path keeps.
    const baselines = storedBaselinesOf(own.map((r) => ({ date: r.local_date, score: wellnessScore(r) })));
    // Added, not spread: spread copies of rows this wide are many times slower, at hundreds of thousands.
    own.forEach((r, k) => rows.push(Object.assign(r, baselines[k])));
  }
  const ids = await insertRows(w.db, 'wellness_report', rows, { ids: true });
  if (ids.length > 0) await w.record({ action: 'wellness.create', entity: 'wellness_report', entityId: ids[0], after: { source: 'demo', ids } });
  await w.record({ action: 'demo.load', entity: 'demo', entityId: 'wellness', after: { reports: rows.length, from: first, to: today } });
  return rows.length;
}
