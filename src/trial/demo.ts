/**
 * The demo's trial: WHEY-01, double-blind whey protein vs placebo on the demo cohort, run through
 * the same store functions as the routes, far enough along to analyse. Whey adds 1.0 kg of lean
 * mass by week 12 over placebo (growing linearly from randomisation), which the protocol's
 * analysis recovers. Deterministic: the participants' draws come from seededRandom and the
 * randomisation from a fixed demo seed.
 */
import { createAssessment } from '../assess/index.ts';
import { readDemoRoster } from '../roster/index.ts';
import type { DemoContext } from '../shared/capability.ts';
import { seededRandom } from '../shared/random.ts';
import { addDays, localDateOf, localToInstant } from '../shared/time.ts';
import type { Writer } from '../store/write.ts';
import { insertRows } from '../store/bulk-insert.ts';
import type { Database } from '../store/schema.ts';
import type { Insertable } from 'kysely';
import { dispense, enrolments, reportAdverseEvent, withdraw } from './conduct-store.ts';
import { addConsentDocument, randomise, recordConsent, screen } from './enrolment.ts';
import { protocolSchema, type Protocol } from './protocol.ts';
import { lockTrial } from './store.ts';
import { createTrial, trialByCode } from './trials.ts';

export const demoProtocol: Protocol = protocolSchema.parse({
  code: 'WHEY-01',
  title: 'Whey protein vs placebo on lean mass (demo)',
  arms: [
    { label: 'whey', description: '25 g whey protein a day', ratio: 1 },
    { label: 'placebo', description: 'maltodextrin, same look and taste', ratio: 1 },
  ],
  controlArm: 'placebo',
  blinding: 'double',
  stratificationFactors: ['unit', 'sex'],
  randomisation: { method: 'permuted-blocks', blockSizeMultipliers: [2, 3] },
  visits: [
    { name: 'baseline', day: 0, windowBefore: 0, windowAfter: 0, assessments: ['lean_mass_kg'] },
    { name: 'week 4', day: 28, windowBefore: 3, windowAfter: 3, assessments: ['lean_mass_kg'] },
    { name: 'week 8', day: 56, windowBefore: 3, windowAfter: 3, assessments: ['lean_mass_kg'] },
    { name: 'week 12', day: 84, windowBefore: 3, windowAfter: 7, assessments: ['lean_mass_kg'] },
  ],
  eligibility: [
    { id: 'I1', text: 'Serving member aged 18 to 40', kind: 'inclusion' },
    { id: 'E1', text: 'Milk protein allergy', kind: 'exclusion' },
  ],
  outcomes: {
    primary: { measurement: 'lean_mass_kg', visit: 'week 12', baselineVisit: 'baseline', covariates: ['sex'], analysis: 'mmrm', covariance: 'us', method: 'reml' },
    secondary: [],
  },
  decisionRule: { outcome: 'lean_mass_kg', visit: 'week 12', arm: 'whey', direction: 'higher', margin: 0, confidence: 0.95, hypothesis: 'superiority', labels: { outcome: 'lean mass', unit: 'kg' } },
  estimand: {
    population: 'randomised participants who allow the use of their data',
    variable: 'lean mass (kg, DXA) at week 12',
    intercurrentEvents: [
      { event: 'withdrew', strategy: 'hypothetical', imputation: 'MAR', description: 'as if they had stayed on the supplement' },
      { event: 'lost-to-follow-up', strategy: 'hypothetical', imputation: 'MAR', description: 'as if they had stayed on the supplement' },
      { event: 'discontinued', strategy: 'hypothetical', imputation: 'MAR', description: 'as if they had kept taking it' },
    ],
    summaryMeasure: 'difference in means (whey - placebo)',
  },
  sensitivityAnalyses: [
    { name: 'jump to reference', kind: 'rbmi', strategy: 'JR' },
    { name: 'tipping point', kind: 'rbmi', strategy: 'MAR', tippingPoint: true },
  ],
});

/** Fixed so the demo allocates alike on every load; a real trial's seed is drawn at lock. */
const DEMO_SEED = '5eed'.repeat(16);
/** Whey's lean mass gain over placebo at week 12 (kg), the effect the analysis must find. */
export const DEMO_EFFECT_KG = 1.0;
/** Enrolment runs over two weeks, starting this many days before the demo's today. */
const FIRST_ENROLMENT_DAYS_AGO = 110;
const ENROLMENT_DAYS = 14;
/** Participants approached for the trial: everyone in the default cohort, a sample of a big one. */
const MOST_APPROACHED = 600;
const VISIT_DAYS = [0, 28, 56, 84];

/** The writer acting on a past day of the demo (its audit events carry the real instant of loading). */
const on = (w: Writer, date: string, time: string, zone: string): Writer => ({ ...w, now: new Date(localToInstant(date, time, zone)) });

export async function loadDemoTrial(w: Writer, demo: DemoContext): Promise<void> {
  const { participantIds, assessorId } = await readDemoRoster(w.db);
  const zone = demo.zone;
  const random = seededRandom(1201);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const today = localDateOf(w.now, zone);
  const start = addDays(today, -FIRST_ENROLMENT_DAYS_AGO);
  const setUp = on(w, addDays(start, -7), '09:00', zone);
  const { code } = demoProtocol;

  await createTrial(setUp, demoProtocol);
  await addConsentDocument(setUp, code, {
    title: 'Whey protein trial: participant information and consent',
    body: 'You will take one sachet a day for twelve weeks, either whey protein or a placebo that looks and tastes the same; neither you nor the staff will know which. Lean mass is measured by DXA at the start and at weeks 4, 8 and 12. You may withdraw at any time and choose whether the data already collected may be used.',
  });
  await lockTrial(setUp, code, 'protocol approved by the ethics committee (demo)', DEMO_SEED);

  const people = await w.db.selectFrom('person').select(['id', 'sex']).where('id', 'in', participantIds).orderBy('id').execute();
  const approached = people.slice(0, MOST_APPROACHED);
  const doses: Insertable<Database['trial_dose']>[] = [];
  for (const [k, person] of approached.entries()) {
    const day = addDays(start, k % ENROLMENT_DAYS);
    const morning = on(w, day, '07:00', zone);
    const decision = random() < 0.06 ? 'refused' : 'given';
    await recordConsent(morning, code, person.id, { documentVersion: 1, decision, reason: 'answered in the participant information session (demo)', recordedBy: null });
    if (decision === 'refused') continue;
    const allergic = random() < 0.04;
    const screening = await screen(morning, code, person.id, { answers: { I1: true, E1: allergic } });
    if (!screening.eligible) continue;
    await enrolParticipant(w, { personId: person.id, female: person.sex === 'female', day, zone, assessorId, random, normal }, doses);
  }
  // The daily doses in bulk, as logDose would write them, and one audit event naming them all.
  const doseIds = await insertRows(w.db, 'trial_dose', doses, { ids: true });
  if (doseIds.length > 0) await w.record({ action: 'trial.dose', entity: 'trial_dose', entityId: doseIds[0], after: { trial: code, source: 'demo', ids: doseIds }, reason: 'doses taken, as logged during the demo trial' });
  await adverseEvents(w, zone, random);
}

interface Enrollee {
  personId: number;
  female: boolean;
  /** The day of randomisation: day 0 of the schedule. */
  day: string;
  zone: string;
  assessorId: number;
  random: () => number;
  normal: () => number;
}

/**
 * Randomised after the baseline DXA scan, a kit dispensed, then weekly-logged doses and the visits
 * of weeks 4, 8 and 12 until the participant leaves (about one in twelve does).
 */
async function enrolParticipant(w: Writer, { personId, female, day, zone, assessorId, random, normal }: Enrollee, doses: Insertable<Database['trial_dose']>[]): Promise<void> {
  const { code } = demoProtocol;
  const leanAtBaseline = (female ? 44 : 58) + 5 * normal();
  const fat = (female ? 17 : 13) + 4 * random();
  // Each participant's own rate of gain with training, and DXA's error of about half a kilo.
  const ownGain = 0.6 + 0.4 * normal();
  const scan = async (visitDay: number, gain: number) =>
    createAssessment(on(w, addDays(day, visitDay), '07:10', zone), {
      personId,
      assessedAt: localToInstant(addDays(day, visitDay), '07:10', zone),
      assessorId,
      method: 'dxa',
      device: 'Lunar iDXA (demo)',
      fasted: true,
      notes: `${demoProtocol.code} day ${visitDay}`,
      sites: dxaSites(leanAtBaseline + gain + 0.5 * normal(), fat + 0.3 * normal(), random),
    });
  await scan(0, 0);
  const trial = await trialByCode(w.db, code);
  const allocation = await randomise(on(w, day, '08:00', zone), code, personId, 'eligible and consented (demo)', () => true);
  await dispense(on(w, day, '08:15', zone), trial, personId, { lot: 'LOT-2025-07', expiry: addDays(day, 365), doses: 90, dispensedOn: day, reason: 'kit for the twelve weeks' });

  const leavesAfter = random() < 0.08 ? VISIT_DAYS[1 + Math.floor(random() * 2)] : null;
  const refusesDataUse = leavesAfter !== null && random() < 0.25;
  const [enrolment] = await enrolments(w.db, trial, [personId]);
  for (const visitDay of VISIT_DAYS.slice(1)) {
    if (leavesAfter !== null && visitDay > leavesAfter) break;
    // One dose a day between visits; the odd day forgotten.
    for (let d = visitDay - 28; d < visitDay; d += 1) {
      if (random() < 0.07) continue;
      const takenOn = addDays(day, d);
      doses.push({ trial_id: trial.id, person_id: enrolment.personId, taken_on: takenOn, source: d % 7 === 0 ? 'supervised' : 'self', recorded_at: new Date(localToInstant(takenOn, '20:00', zone)).toISOString(), recorded_by_label: w.actor.label });
    }
    const shift = Math.round((random() - 0.5) * 4);
    const weeks = visitDay / 7;
    const effect = allocation.arm === 'whey' ? (DEMO_EFFECT_KG * visitDay) / 84 : 0;
    await scan(visitDay + shift, (ownGain * weeks) / 12 + effect);
  }
  if (leavesAfter !== null) {
    await withdraw(on(w, addDays(day, leavesAfter + 5), '12:00', zone), trial, personId, {
      kind: refusesDataUse ? 'withdrew' : random() < 0.5 ? 'withdrew' : 'lost-to-follow-up',
      reason: refusesDataUse ? 'no longer wishes to take part; asks that the data collected be set aside' : 'posted to another unit',
      dataMayBeUsed: !refusesDataUse,
    });
  }
}

/** Two body-mass trials and one DXA body-fat reading that give this lean and fat mass. */
function dxaSites(lean: number, fat: number, random: () => number) {
  const mass = lean + fat;
  const first = Math.round(mass * 10) / 10;
  const second = Math.round((mass + (random() - 0.5) * 0.2) * 10) / 10;
  return { body_mass: [first, second], body_fat_percent: [Math.round((fat / mass) * 1000) / 10] };
}

/** A few adverse events, one serious (a hospital admission, not related to the supplement). */
async function adverseEvents(w: Writer, zone: string, random: () => number): Promise<void> {
  const trial = await trialByCode(w.db, demoProtocol.code);
  const enrolled = await enrolments(w.db, trial);
  if (enrolled.length === 0) return;
  const events = [
    { description: 'Bloating after the evening sachet', severity: 1, serious: false, relatedness: 'possibly', outcome: 'recovered' },
    { description: 'Mild diarrhoea for two days', severity: 1, serious: false, relatedness: 'possibly', outcome: 'recovered' },
    { description: 'Ankle sprain on the assault course', severity: 2, serious: false, relatedness: 'not', outcome: 'recovering' },
    { description: 'Admitted to hospital with appendicitis; appendix removed', severity: 3, serious: true, relatedness: 'not', outcome: 'recovered' },
  ] as const;
  for (const [k, event] of events.entries()) {
    const participant = enrolled[Math.floor(random() * enrolled.length)];
    const onset = addDays(participant.randomisedOn, 10 + k * 17);
    await reportAdverseEvent(on(w, addDays(onset, 1), '10:00', zone), trial, { personId: participant.personId, onset, ...event });
  }
}
