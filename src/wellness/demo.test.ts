import { expect, it } from 'vitest';
import { listAssessments } from '../assess/store.ts';
import { loadDemo } from '../demo/load.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { storedBaselinesOf, wellnessScore } from './model.ts';

describeEachDatabase('demo physique and wellness', (database) => {
  it('gives every participant three visits and twelve weeks of reports with current baselines and flags', async () => {
    const { db } = database();
    await loadDemo(db, { participants: 4 });
    // The cohort's own visits; the demo trial's DXA scans (notes "WHEY-01 day N") come on top.
    const visits = (await listAssessments(db, {})).filter((v) => !v.notes.startsWith('WHEY-01'));
    expect(visits).toHaveLength(12);
    expect(visits.map((v) => v.notes)).toEqual(expect.arrayContaining(['baseline', 'week 6', 'week 12']));
    for (const v of visits) {
      expect(v.derived.bodyFatPercent?.value, JSON.stringify(v.derived)).toBeGreaterThan(5);
      expect(v.derived.bodyFatPercent?.value).toBeLessThan(40);
      expect(v.derived.bmi.value).toBeGreaterThan(18);
    }
    const reports = await db.selectFrom('wellness_report').selectAll().orderBy('person_id').orderBy('local_date').execute();
    const people = new Set(reports.map((r) => r.person_id));
    expect(people.size).toBe(4);
    expect(reports.length).toBeGreaterThan(4 * 84 * 0.8);
    for (const personId of people) {
      const series = reports.filter((r) => r.person_id === personId);
      expect(series.length).toBeLessThanOrEqual(84);
      const stored = storedBaselinesOf(series.map((r) => ({ date: r.local_date, score: wellnessScore(r) })));
      expect(series.map((r) => ({ baseline_count: r.baseline_count, baseline_sum: r.baseline_sum, baseline_sum_of_squares: r.baseline_sum_of_squares, flagged: r.flagged }))).toEqual(stored);
    }
  });
});
