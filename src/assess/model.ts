import type { Generated } from 'kysely';

/**
 * Physique assessment: the measurements an assessor takes at a visit and the values derived
 * from them. Derived values are computed on read from the stored trials and the person's
 * current roster record (sex, date of birth), so they can never be stale. docs/assessments.md
 * gives every equation with its source.
 */

export const bodyFatMethods = ['dxa', 'bioimpedance', 'skinfold_jp3', 'skinfold_jp7', 'skinfold_dw'] as const;
export type BodyFatMethod = (typeof bodyFatMethods)[number];

export type SiteKind = 'mass' | 'stature' | 'skinfold' | 'girth' | 'device';

export interface SiteSpec {
  kind: SiteKind;
  unit: 'kg' | 'cm' | 'mm' | '%';
  min: number;
  max: number;
}

const skinfold: SiteSpec = { kind: 'skinfold', unit: 'mm', min: 2, max: 80 };
const girth: SiteSpec = { kind: 'girth', unit: 'cm', min: 10, max: 250 };

export const siteSpecs = {
  body_mass: { kind: 'mass', unit: 'kg', min: 25, max: 300 },
  stature: { kind: 'stature', unit: 'cm', min: 100, max: 250 },
  /** The single reading of a DXA scan or a bioimpedance device. */
  body_fat_percent: { kind: 'device', unit: '%', min: 2, max: 70 },
  skinfold_chest: skinfold,
  skinfold_midaxillary: skinfold,
  skinfold_triceps: skinfold,
  skinfold_subscapular: skinfold,
  skinfold_abdominal: skinfold,
  skinfold_suprailiac: skinfold,
  skinfold_thigh: skinfold,
  skinfold_biceps: skinfold,
  girth_chest: girth,
  girth_shoulders: girth,
  girth_arm_relaxed_left: girth,
  girth_arm_relaxed_right: girth,
  girth_arm_flexed_left: girth,
  girth_arm_flexed_right: girth,
  girth_waist: girth,
  girth_hip: girth,
  girth_thigh: girth,
} as const satisfies Record<string, SiteSpec>;

export type Site = keyof typeof siteSpecs;
export const siteNames = Object.keys(siteSpecs) as Site[];
export const isSite = (name: string): name is Site => name in siteSpecs;

/** A site in words, as the assessor reads it: "Arm flexed (left) girth", "Chest skinfold". */
export function siteLabel(site: Site): string {
  const words = site.replace(/^(skinfold|girth)_/, '').replace(/_/g, ' ');
  const side = / (left|right)$/.exec(words);
  const base = side ? `${words.slice(0, -side[0].length)} (${side[1]})` : words;
  const kind = site.startsWith('skinfold_') ? ' skinfold' : site.startsWith('girth_') ? ' girth' : '';
  return `${base.charAt(0).toUpperCase()}${base.slice(1)}${kind}`;
}

/** Sites in words, as a list: "Chest skinfold, Abdominal skinfold and Thigh skinfold". */
export function siteList(sites: readonly Site[]): string {
  const labels = sites.map(siteLabel);
  return labels.length < 2 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

export const methodNames: Record<BodyFatMethod, string> = {
  dxa: 'DXA scan',
  bioimpedance: 'Bioimpedance',
  skinfold_jp3: 'Skinfolds, Jackson-Pollock 3-site',
  skinfold_jp7: 'Skinfolds, Jackson-Pollock 7-site',
  skinfold_dw: 'Skinfolds, Durnin-Womersley 4-site',
};

/**
 * ISAK practice: two trials; when they differ by more than the tolerance a third is taken.
 * The difference is relative to the mean of the two: 5% for skinfolds, 1% for everything else.
 */
export const tolerances: Record<Exclude<SiteKind, 'device'>, number> = { skinfold: 0.05, girth: 0.01, mass: 0.01, stature: 0.01 };

export type Trials = readonly number[];

export interface SiteValue {
  site: Site;
  trials: number[];
  value: number;
  rule: 'single reading' | 'mean of two' | 'median of three';
}

/** The recorded value of a site: mean of two trials within tolerance, otherwise the median of three. */
export function siteValue(site: Site, trials: Trials): SiteValue {
  const sorted = [...trials].sort((a, b) => a - b);
  if (trials.length === 1) return { site, trials: [...trials], value: trials[0], rule: 'single reading' };
  if (trials.length === 2) return { site, trials: [...trials], value: (trials[0] + trials[1]) / 2, rule: 'mean of two' };
  return { site, trials: [...trials], value: sorted[1], rule: 'median of three' };
}

/** How far apart two trials are, relative to their mean. */
const relativeDifference = (a: number, b: number) => Math.abs(a - b) / ((a + b) / 2);

export interface InputProblem {
  /** The site (or field) at fault, e.g. 'skinfold_chest' or 'method'. */
  field: string;
  /** Which trial, when one trial is at fault (1-based). */
  trial?: number;
  reason: string;
}

/** Checks one site's trials against the protocol. */
export function checkTrials(site: Site, trials: Trials): InputProblem[] {
  const spec: SiteSpec = siteSpecs[site];
  const problems: InputProblem[] = [];
  trials.forEach((value, i) => {
    if (!Number.isFinite(value) || value < spec.min || value > spec.max) {
      problems.push({ field: site, trial: i + 1, reason: `${value} ${spec.unit} is outside ${spec.min}-${spec.max} ${spec.unit}` });
    }
  });
  if (problems.length) return problems;
  if (spec.kind === 'device') {
    if (trials.length !== 1) problems.push({ field: site, reason: `is one device reading, not ${trials.length}` });
    return problems;
  }
  if (trials.length < 2 || trials.length > 3) return [{ field: site, reason: `needs two trials (a third when they differ by more than the tolerance), not ${trials.length}` }];
  const tolerance = tolerances[spec.kind];
  const difference = relativeDifference(trials[0], trials[1]);
  if (trials.length === 2 && difference > tolerance) {
    problems.push({ field: site, trial: 3, reason: `trials ${trials[0]} and ${trials[1]} differ by ${(difference * 100).toFixed(1)}% (more than ${tolerance * 100}%): take a third` });
  }
  return problems;
}

// ---- body fat ----

export type Sex = 'female' | 'male';

export interface BodyFatInputs {
  method: BodyFatMethod;
  sex: Sex | null;
  /** Completed years at the visit; null when the roster has no date of birth. */
  age: number | null;
  values: Partial<Record<Site, number>>;
}

export interface Derived {
  value: number | null;
  /** The equation that produced the value (or would have). */
  equation: string;
  /** Why there is no value, when there is none. */
  missing: string | null;
}

/** Sites each skinfold equation sums (Jackson-Pollock 3-site differs between the sexes). */
export function skinfoldSites(method: BodyFatMethod, sex: Sex): Site[] {
  switch (method) {
    case 'skinfold_jp3':
      return sex === 'male' ? ['skinfold_chest', 'skinfold_abdominal', 'skinfold_thigh'] : ['skinfold_triceps', 'skinfold_suprailiac', 'skinfold_thigh'];
    case 'skinfold_jp7':
      return ['skinfold_chest', 'skinfold_midaxillary', 'skinfold_triceps', 'skinfold_subscapular', 'skinfold_abdominal', 'skinfold_suprailiac', 'skinfold_thigh'];
    case 'skinfold_dw':
      return ['skinfold_biceps', 'skinfold_triceps', 'skinfold_subscapular', 'skinfold_suprailiac'];
    default:
      return [];
  }
}

export type SkinfoldMethod = Extract<BodyFatMethod, `skinfold_${string}`>;
export const isSkinfoldMethod = (method: BodyFatMethod): method is SkinfoldMethod => method.startsWith('skinfold_');

/** Siri (1961): percent fat from body density. */
export const siri = (density: number) => 495 / density - 450;

/** Jackson & Pollock (1978, men; 1980, women): body density from the sum of skinfolds S (mm) and age (years). */
const jacksonPollock = {
  skinfold_jp3: {
    male: (s: number, age: number) => 1.10938 - 0.0008267 * s + 0.0000016 * s * s - 0.0002574 * age,
    female: (s: number, age: number) => 1.0994921 - 0.0009929 * s + 0.0000023 * s * s - 0.0001392 * age,
  },
  skinfold_jp7: {
    male: (s: number, age: number) => 1.112 - 0.00043499 * s + 0.00000055 * s * s - 0.00028826 * age,
    female: (s: number, age: number) => 1.097 - 0.00046971 * s + 0.00000056 * s * s - 0.00012828 * age,
  },
} as const;

/** Durnin & Womersley (1974), table 3: density = c − m·log10(S) for the sum S of four skinfolds; [from age, c, m]. */
const durninWomersleyBands: Record<Sex, readonly (readonly [number, number, number])[]> = {
  male: [
    [17, 1.162, 0.063],
    [20, 1.1631, 0.0632],
    [30, 1.1422, 0.0544],
    [40, 1.162, 0.07],
    [50, 1.1715, 0.0779],
  ],
  female: [
    [16, 1.1549, 0.0678],
    [20, 1.1599, 0.0717],
    [30, 1.1423, 0.0632],
    [40, 1.1333, 0.0612],
    [50, 1.1339, 0.0645],
  ],
};

const equationNames: Record<BodyFatMethod, string> = {
  dxa: 'DXA scan reading',
  bioimpedance: 'bioimpedance device reading',
  skinfold_jp3: 'Jackson-Pollock 3-site density, Siri %fat',
  skinfold_jp7: 'Jackson-Pollock 7-site density, Siri %fat',
  skinfold_dw: 'Durnin-Womersley 4-site density (age band), Siri %fat',
};

/** Body-fat percentage by the visit's method, saying which equation produced it. */
export function bodyFatPercent({ method, sex, age, values }: BodyFatInputs): Derived {
  if (!isSkinfoldMethod(method)) {
    const reading = values.body_fat_percent;
    return reading === undefined ? none(equationNames[method], 'no body_fat_percent reading') : { value: reading, equation: equationNames[method], missing: null };
  }
  if (sex === null) return none(equationNames[method], 'the roster has no sex for this person');
  if (age === null) return none(equationNames[method], 'the roster has no date of birth for this person');
  const equation = `${equationNames[method]} (${sex})`;
  const needed = skinfoldSites(method, sex);
  const absent = needed.filter((site) => values[site] === undefined);
  if (absent.length) return none(equation, `needs ${siteList(absent)}`);
  const sum = needed.reduce((total, site) => total + values[site]!, 0);
  if (method === 'skinfold_dw') {
    const band = [...durninWomersleyBands[sex]].reverse().find(([from]) => age >= from);
    if (!band) return none(equation, `Durnin-Womersley has no coefficients below age ${durninWomersleyBands[sex][0][0]}`);
    const [from, c, m] = band;
    return { value: siri(c - m * Math.log10(sum)), equation: `${equation}, band from ${from}: c ${c}, m ${m}`, missing: null };
  }
  return { value: siri(jacksonPollock[method][sex](sum, age)), equation, missing: null };
}

const none = (equation: string, missing: string): Derived => ({ value: null, equation, missing });

const bmiEquation = 'body mass (kg) / stature (m)²';
const leanMassEquation = 'body mass × (1 − body fat % / 100)';

export interface DerivedValues {
  bmi: Derived;
  bodyFatPercent: Derived | null;
  leanMass: Derived | null;
}

/** BMI, body fat and lean mass from a visit's site values; body fat and lean mass only when the visit had a method. */
export function deriveValues(method: BodyFatMethod | null, sex: Sex | null, age: number | null, values: Partial<Record<Site, number>>): DerivedValues {
  const mass = values.body_mass;
  const stature = values.stature;
  const bmi: Derived =
    mass === undefined || stature === undefined ? none(bmiEquation, 'needs body_mass and stature') : { value: mass / (stature / 100) ** 2, equation: bmiEquation, missing: null };
  if (method === null) return { bmi, bodyFatPercent: null, leanMass: null };
  const fat = bodyFatPercent({ method, sex, age, values });
  const leanMass: Derived =
    mass === undefined ? none(leanMassEquation, 'needs body_mass') : fat.value === null ? none(leanMassEquation, 'needs body fat %') : { value: mass * (1 - fat.value / 100), equation: leanMassEquation, missing: null };
  return { bmi, bodyFatPercent: fat, leanMass };
}

/** Completed years between a date of birth and a date, both 'YYYY-MM-DD'. */
export function ageOn(dateOfBirth: string, date: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [y, m, d] = date.split('-').map(Number);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

export interface AssessmentInput {
  method: BodyFatMethod | null;
  sites: Partial<Record<Site, Trials>>;
}

/**
 * Everything wrong with a visit's measurements for this person: each site's trials, and the
 * sites and roster details the method needs. Refusing at write time means the equation can run.
 */
export function checkAssessment(input: AssessmentInput, person: { sex: Sex | null; dateOfBirth: string | null }): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const [site, trials] of Object.entries(input.sites) as [Site, Trials][]) problems.push(...checkTrials(site, trials));
  const { method } = input;
  const hasReading = input.sites.body_fat_percent !== undefined;
  if (method === null || isSkinfoldMethod(method)) {
    if (hasReading) problems.push({ field: 'body_fat_percent', reason: `is a DXA or bioimpedance reading, but the method is ${method ? methodNames[method] : 'none'}` });
  } else if (!hasReading) {
    problems.push({ field: 'body_fat_percent', reason: `is required with the method ${methodNames[method]}` });
  }
  if (method !== null && isSkinfoldMethod(method)) {
    if (person.sex === null) problems.push({ field: 'method', reason: `${methodNames[method]} needs the person's sex, which the roster does not have` });
    if (person.dateOfBirth === null) problems.push({ field: 'method', reason: `${methodNames[method]} needs the person's date of birth, which the roster does not have` });
    if (person.sex !== null) {
      const absent = skinfoldSites(method, person.sex).filter((site) => input.sites[site] === undefined);
      if (absent.length) problems.push({ field: 'sites', reason: `${methodNames[method]} (${person.sex}) needs ${siteList(absent)}` });
    }
  }
  return problems;
}

/** A problem in words: a site by its name ("Chest skinfold trial 3: ..."); the sites a method needs name themselves. */
export function formatInputProblem(p: InputProblem): string {
  if (p.field === 'sites') return p.reason;
  return `${isSite(p.field) ? siteLabel(p.field) : p.field}${p.trial ? ` trial ${p.trial}` : ''}: ${p.reason}`;
}

/**
 * How much a measure can plausibly change in a week: more than this since the last assessment
 * (scaled by the weeks between, at least one) is more likely a misread scale or a wrong person
 * than a real change, so the form asks the assessor to confirm. Stature does not change in adults.
 */
export const plausibleWeeklyChange: Partial<Record<Site, number>> & { bodyFatPercent: number } = {
  body_mass: 2,
  stature: 1,
  bodyFatPercent: 2,
};

export interface LargeChange {
  measure: string;
  unit: string;
  previous: number;
  current: number;
  /** The largest change the weeks between allow. */
  allowed: number;
}

/** Measures that moved more since the last assessment (days before) than the weeks between allow. */
export function largeChanges(previous: { values: Partial<Record<Site, number>>; bodyFatPercent: number | null }, current: { values: Partial<Record<Site, number>>; bodyFatPercent: number | null }, days: number): LargeChange[] {
  const weeks = Math.max(1, days / 7);
  const changes: LargeChange[] = [];
  const compare = (measure: string, unit: string, before: number | null | undefined, now: number | null | undefined, perWeek: number, grows: boolean) => {
    if (before === null || before === undefined || now === null || now === undefined) return;
    const allowed = grows ? perWeek * weeks : perWeek;
    if (Math.abs(now - before) > allowed) changes.push({ measure, unit, previous: before, current: now, allowed });
  };
  compare('Body mass', 'kg', previous.values.body_mass, current.values.body_mass, plausibleWeeklyChange.body_mass!, true);
  compare('Stature', 'cm', previous.values.stature, current.values.stature, plausibleWeeklyChange.stature!, false);
  compare('Body fat', '%', previous.bodyFatPercent, current.bodyFatPercent, plausibleWeeklyChange.bodyFatPercent, true);
  return changes;
}

export interface AssessTables {
  assessment: {
    id: Generated<number>;
    person_id: number;
    assessed_at: string;
    assessor_person_id: number | null;
    method: BodyFatMethod | null;
    device: string;
    /** 1 when the person had fasted before the visit. */
    fasted: number;
    notes: string;
    created_at: string;
    updated_at: string;
  };
  /** One row per site measured at a visit, with its trials in order. */
  assessment_site: {
    assessment_id: number;
    site: Site;
    trial_1: number;
    trial_2: number | null;
    trial_3: number | null;
  };
  /** The participant's own choice: may the trainers of their unit see their physique data. */
  physique_consent: {
    person_id: number;
    trainers_may_see: number;
    updated_at: string;
  };
}
