import { describe, expect, it } from 'vitest';
import { ageOn, bodyFatPercent, checkAssessment, checkTrials, deriveValues, formatInputProblem, largeChanges, siri, siteValue } from './model.ts';

// Each expected value is worked by hand from the published coefficients (steps in the comment).
describe('body-fat equations', () => {
  it('Siri: 495 / D − 450', () => {
    expect(siri(1.1)).toBeCloseTo(0, 10);
    expect(siri(1.05)).toBeCloseTo(21.428571, 5);
  });

  it('Jackson-Pollock 3-site, male: chest + abdominal + thigh', () => {
    // S = 15 + 25 + 20 = 60, age 25: D = 1.10938 − 0.0008267·60 + 0.0000016·3600 − 0.0002574·25
    //   = 1.10938 − 0.049602 + 0.00576 − 0.006435 = 1.059103; %fat = 495 / 1.059103 − 450 = 17.3766
    const fat = bodyFatPercent({ method: 'skinfold_jp3', sex: 'male', age: 25, values: { skinfold_chest: 15, skinfold_abdominal: 25, skinfold_thigh: 20 } });
    expect(fat.value).toBeCloseTo(17.3766, 4);
    expect(fat.equation).toBe('Jackson-Pollock 3-site density, Siri %fat (male)');
  });

  it('Jackson-Pollock 3-site, female: triceps + suprailiac + thigh', () => {
    // S = 50, age 30: D = 1.0994921 − 0.049645 + 0.00575 − 0.004176 = 1.0514211; %fat = 20.7914
    const fat = bodyFatPercent({ method: 'skinfold_jp3', sex: 'female', age: 30, values: { skinfold_triceps: 15, skinfold_suprailiac: 15, skinfold_thigh: 20 } });
    expect(fat.value).toBeCloseTo(20.7914, 4);
  });

  const sevenSites = (each: number) => ({
    skinfold_chest: each,
    skinfold_midaxillary: each,
    skinfold_triceps: each,
    skinfold_subscapular: each,
    skinfold_abdominal: each,
    skinfold_suprailiac: each,
    skinfold_thigh: each,
  });

  it('Jackson-Pollock 7-site, both sexes', () => {
    // male, S = 7 × 100/7 = 100, age 22: D = 1.112 − 0.043499 + 0.0055 − 0.00634172 = 1.06765928; %fat = 13.6311
    expect(bodyFatPercent({ method: 'skinfold_jp7', sex: 'male', age: 22, values: sevenSites(100 / 7) }).value).toBeCloseTo(13.6311, 4);
    // female, S = 120, age 35: D = 1.097 − 0.0563652 + 0.008064 − 0.0044898 = 1.044209; %fat = 24.0430
    expect(bodyFatPercent({ method: 'skinfold_jp7', sex: 'female', age: 35, values: sevenSites(120 / 7) }).value).toBeCloseTo(24.043, 4);
  });

  it('Durnin-Womersley picks the coefficients of the age band', () => {
    const four = (sum: number) => ({ skinfold_biceps: sum / 4, skinfold_triceps: sum / 4, skinfold_subscapular: sum / 4, skinfold_suprailiac: sum / 4 });
    // male 20-29: c 1.1631, m 0.0632; S = 40: D = 1.1631 − 0.0632 × 1.60206 = 1.06185; %fat = 16.1676
    const man = bodyFatPercent({ method: 'skinfold_dw', sex: 'male', age: 25, values: four(40) });
    expect(man.value).toBeCloseTo(16.1676, 3);
    expect(man.equation).toMatch(/band from 20: c 1.1631, m 0.0632/);
    // female 16-19: c 1.1549, m 0.0678; S = 50: D = 1.1549 − 0.0678 × 1.69897 = 1.03971; %fat = 26.0944
    expect(bodyFatPercent({ method: 'skinfold_dw', sex: 'female', age: 19, values: four(50) }).value).toBeCloseTo(26.0944, 3);
    // the 30-39 band for a man of exactly 30: c 1.1422, m 0.0544
    expect(bodyFatPercent({ method: 'skinfold_dw', sex: 'male', age: 30, values: four(40) }).equation).toMatch(/c 1.1422, m 0.0544/);
    const tooYoung = bodyFatPercent({ method: 'skinfold_dw', sex: 'male', age: 16, values: four(40) });
    expect(tooYoung).toMatchObject({ value: null, missing: 'Durnin-Womersley has no coefficients below age 17' });
  });

  it('says what is missing instead of guessing', () => {
    expect(bodyFatPercent({ method: 'skinfold_jp3', sex: null, age: 25, values: {} }).missing).toBe('the roster has no sex for this person');
    expect(bodyFatPercent({ method: 'skinfold_jp3', sex: 'male', age: null, values: {} }).missing).toBe('the roster has no date of birth for this person');
    expect(bodyFatPercent({ method: 'skinfold_jp3', sex: 'male', age: 20, values: { skinfold_chest: 10 } }).missing).toBe('needs Abdominal skinfold and Thigh skinfold');
  });

  it('takes a DXA or bioimpedance reading as it is', () => {
    expect(bodyFatPercent({ method: 'dxa', sex: null, age: null, values: { body_fat_percent: 18.2 } })).toEqual({ value: 18.2, equation: 'DXA scan reading', missing: null });
  });

  it('derives BMI and lean mass from mass, stature and body fat', () => {
    // BMI = 80 / 1.8² = 24.6914; lean = 80 × (1 − 0.176) = 65.92
    const derived = deriveValues('dxa', 'male', 25, { body_mass: 80, stature: 180, body_fat_percent: 17.6 });
    expect(derived.bmi.value).toBeCloseTo(24.6914, 4);
    expect(derived.leanMass?.value).toBeCloseTo(65.92, 6);
    expect(derived.leanMass?.equation).toBe('body mass × (1 − body fat % / 100)');
    expect(deriveValues(null, 'male', 25, { body_mass: 80 })).toEqual({
      bmi: { value: null, equation: 'body mass (kg) / stature (m)²', missing: 'needs body_mass and stature' },
      bodyFatPercent: null,
      leanMass: null,
    });
  });

  it('counts completed years', () => {
    expect(ageOn('2000-06-15', '2026-06-14')).toBe(25);
    expect(ageOn('2000-06-15', '2026-06-15')).toBe(26);
    expect(ageOn('2000-02-29', '2026-02-28')).toBe(25);
  });
});

describe('repeated measurements', () => {
  it('is the mean of two trials within tolerance, the median of three otherwise', () => {
    expect(siteValue('girth_waist', [80, 80.4])).toMatchObject({ value: 80.2, rule: 'mean of two' });
    expect(siteValue('skinfold_chest', [10, 12, 10.4])).toMatchObject({ value: 10.4, rule: 'median of three' });
    expect(siteValue('body_fat_percent', [18])).toMatchObject({ value: 18, rule: 'single reading' });
  });

  it('asks for a third trial when two differ by more than 5% (skinfolds) or 1% (girths, mass, stature)', () => {
    // 10 and 10.5 differ by 0.5 / 10.25 = 4.9%: within; 10 and 10.6 by 5.8%: not
    expect(checkTrials('skinfold_chest', [10, 10.5])).toEqual([]);
    expect(checkTrials('skinfold_chest', [10, 10.6])).toEqual([{ field: 'skinfold_chest', trial: 3, reason: 'trials 10 and 10.6 differ by 5.8% (more than 5%): take a third' }]);
    expect(checkTrials('girth_waist', [80, 80.8])).toEqual([]);
    expect(checkTrials('girth_waist', [80, 81])).toHaveLength(1);
    expect(checkTrials('body_mass', [80, 81])).toHaveLength(1);
    expect(checkTrials('skinfold_chest', [10, 10.6, 10.2])).toEqual([]);
  });

  it('refuses too few or too many trials and values outside the plausible range', () => {
    expect(checkTrials('stature', [180])[0].reason).toMatch(/needs two trials/);
    expect(checkTrials('stature', [180, 180, 180, 180])[0].reason).toMatch(/not 4/);
    expect(checkTrials('body_fat_percent', [18, 18])[0].reason).toBe('is one device reading, not 2');
    expect(checkTrials('skinfold_thigh', [1, 2])).toEqual([{ field: 'skinfold_thigh', trial: 1, reason: '1 mm is outside 2-80 mm' }]);
  });
});

describe('checking a visit', () => {
  const man = { sex: 'male' as const, dateOfBirth: '2000-01-01' };

  it('needs the sites of the method for the person’s sex', () => {
    expect(checkAssessment({ method: 'skinfold_jp3', sites: { skinfold_chest: [10, 10] } }, man)).toEqual([
      { field: 'sites', reason: 'Skinfolds, Jackson-Pollock 3-site (male) needs Abdominal skinfold and Thigh skinfold' },
    ]);
  });

  it('needs sex and date of birth on the roster for a skinfold equation', () => {
    const problems = checkAssessment({ method: 'skinfold_jp7', sites: {} }, { sex: null, dateOfBirth: null });
    expect(problems.map((p) => p.reason)).toEqual([
      "Skinfolds, Jackson-Pollock 7-site needs the person's sex, which the roster does not have",
      "Skinfolds, Jackson-Pollock 7-site needs the person's date of birth, which the roster does not have",
    ]);
  });

  it('needs a reading for DXA and bioimpedance, and refuses one otherwise', () => {
    expect(checkAssessment({ method: 'dxa', sites: {} }, man)).toEqual([{ field: 'body_fat_percent', reason: 'is required with the method DXA scan' }]);
    expect(checkAssessment({ method: null, sites: { body_fat_percent: [20] } }, man)).toEqual([
      { field: 'body_fat_percent', reason: 'is a DXA or bioimpedance reading, but the method is none' },
    ]);
  });
});

describe('messages and checks in words', () => {
  it('names sites in words, never by their machine names', () => {
    expect(formatInputProblem({ field: 'skinfold_chest', trial: 3, reason: 'take a third' })).toBe('Chest skinfold trial 3: take a third');
    expect(formatInputProblem({ field: 'girth_arm_flexed_left', reason: 'x' })).toBe('Arm flexed (left) girth: x');
    expect(formatInputProblem({ field: 'sites', reason: 'Skinfolds, Jackson-Pollock 3-site (male) needs Chest skinfold' })).toBe('Skinfolds, Jackson-Pollock 3-site (male) needs Chest skinfold');
  });

  it('asks to confirm a change beyond what the weeks since the last assessment allow', () => {
    const before = { values: { body_mass: 70.4, stature: 178 }, bodyFatPercent: 14 };
    // 70.4 kg to 78.4 kg in a week: 8 kg where 2 kg a week is plausible.
    expect(largeChanges(before, { values: { body_mass: 78.4, stature: 178 }, bodyFatPercent: 14.5 }, 7)).toEqual([{ measure: 'Body mass', unit: 'kg', previous: 70.4, current: 78.4, allowed: 2 }]);
    // The same 8 kg over eight weeks is within 16 kg; a day counts as a week.
    expect(largeChanges(before, { values: { body_mass: 78.4 }, bodyFatPercent: null }, 56)).toEqual([]);
    expect(largeChanges(before, { values: { body_mass: 72 }, bodyFatPercent: null }, 1)).toEqual([]);
    // Stature does not grow with time: 3 cm is too much after any interval.
    expect(largeChanges(before, { values: { stature: 181 }, bodyFatPercent: 18.5 }, 365).map((c) => c.measure)).toEqual(['Stature']);
    expect(largeChanges(before, { values: {}, bodyFatPercent: 18.5 }, 7).map((c) => c.measure)).toEqual(['Body fat']);
  });
});
