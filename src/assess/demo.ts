import type { DemoContext } from '../shared/capability.ts';
import { readDemoRoster } from '../roster/index.ts';
import type { Writer } from '../store/write.ts';
import { seededRandom } from '../shared/random.ts';
import { addDays, localDateOf, localToInstant } from '../shared/time.ts';
import { skinfoldSites, type Site } from './model.ts';
import { insertRows } from '../store/bulk-insert.ts';

/** Baseline, week 6 and week 12 of the twelve demo weeks (days from the first). */
const VISIT_DAYS = [0, 41, 83];

/**
 * Three Jackson-Pollock 7-site visits per demo participant, fasted at 07:30 local: body fat
 * falls a little and arm girths grow over the twelve weeks. Two trials per site, a third when
 * the first two disagree beyond the tolerance, as an assessor would. Deterministic.
 */
export async function loadDemoAssessments(w: Writer, demo: DemoContext): Promise<number> {
  const { participantIds, assessorId } = await readDemoRoster(w.db);
  const timeZone = demo.zone;
  const random = seededRandom(4242);
  const people = await w.db.selectFrom('person').select(['id', 'sex']).where('id', 'in', participantIds).execute();
  const first = addDays(localDateOf(w.now, timeZone), -83);
  const twoTrials = (value: number, spread: number, rare: number) => {
    const a = Math.round(value * 10) / 10;
    const off = random() < 0.1 ? rare : (random() - 0.5) * spread;
    const b = Math.round(value * (1 + off) * 10) / 10;
    // The protocol's third trial, taken when the first two disagree; it lands near the true value.
    return Math.abs(a - b) / ((a + b) / 2) > (spread > 0.02 ? 0.05 : 0.01) ? [a, b, Math.round(value * 1.005 * 10) / 10] : [a, b];
  };
  const at = w.now.toISOString();
  const visits: { person_id: number; assessed_at: string; assessor_person_id: number; method: 'skinfold_jp7'; device: string; fasted: number; notes: string; created_at: string; updated_at: string }[] = [];
  const sitesOfVisits: Partial<Record<Site, number[]>>[] = [];
  for (const person of people) {
    const female = person.sex === 'female';
    const stature = female ? 160 + random() * 14 : 170 + random() * 16;
    const baseMass = (stature / 100) ** 2 * (21 + random() * 5);
    const baseFold = (female ? 14 : 10) + random() * 8;
    for (const [visit, day] of VISIT_DAYS.entries()) {
      const progress = visit / (VISIT_DAYS.length - 1);
      const fold = baseFold * (1 - 0.06 * progress);
      const sites: Partial<Record<Site, number[]>> = {
        body_mass: twoTrials(baseMass * (1 + 0.01 * progress), 0.004, 0.02),
        stature: twoTrials(stature, 0.002, 0.015),
        girth_waist: twoTrials(stature * 0.45 * (1 - 0.02 * progress), 0.008, 0.02),
        girth_chest: twoTrials(stature * (female ? 0.52 : 0.56), 0.008, 0.02),
        girth_arm_flexed_right: twoTrials((female ? 28 : 33) * (1 + 0.03 * progress), 0.008, 0.02),
        girth_arm_flexed_left: twoTrials((female ? 27.6 : 32.6) * (1 + 0.03 * progress), 0.008, 0.02),
      };
      for (const site of skinfoldSites('skinfold_jp7', female ? 'female' : 'male')) sites[site] = twoTrials(fold * (0.7 + random() * 0.6), 0.04, 0.09);
      visits.push({
        person_id: person.id,
        assessed_at: localToInstant(addDays(first, day), '07:30', timeZone),
        assessor_person_id: assessorId,
        method: 'skinfold_jp7',
        device: 'Harpenden skinfold caliper; Lufkin tape',
        fasted: 1,
        notes: ['baseline', 'week 6', 'week 12'][visit],
        created_at: at,
        updated_at: at,
      });
      sitesOfVisits.push(sites);
    }
  }
  // The rows createAssessment writes, in bulk: the visits, then each one's sites under the id it got.
  const ids = await insertRows(w.db, 'assessment', visits, { ids: true });
  await insertRows(
    w.db,
    'assessment_site',
    ids.flatMap((id, k) => (Object.entries(sitesOfVisits[k]) as [Site, number[]][]).map(([site, trials]) => ({ assessment_id: id, site, trial_1: trials[0], trial_2: trials[1] ?? null, trial_3: trials[2] ?? null }))),
  );
  if (ids.length > 0) await w.record({ action: 'assessment.create', entity: 'assessment', entityId: ids[0], after: { source: 'demo', ids } });
  return ids.length;
}
