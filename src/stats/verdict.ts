/**
 * The verdict of a pre-registered decision rule on an analysis result.
 *
 * The rule compares the treatment arm with the control arm of the result on one contrast (at one
 * visit for an MMRM). The benefit is the difference oriented so that positive favours the arm
 * (arm - control when higher is better, control - arm when lower is better). With a two-sided
 * confidence interval at the rule's level:
 * - superiority is shown when the interval's lower bound for the benefit is above +margin;
 * - non-inferiority is shown when it is above -margin.
 * Boundary rule: the bound must be strictly beyond the threshold. An interval that touches the
 * threshold has not excluded it, so the rule is not met (equivalently: p < 1 - level, strictly).
 */
import type { AnalysisResult } from './analysis.ts';
import { standardNormalQuantile, standardNormalUpper, studentTQuantile, studentTTwoSided } from './distributions.ts';
import { badData } from './errors.ts';
import type { RbmiResult } from './rbmi.ts';

/** What a rule can be judged on: an MMRM or ANCOVA, or reference-based imputation (normal intervals, df null). */
export type JudgeableResult = AnalysisResult | RbmiResult;
type JudgedContrast = { contrast: string; estimate: number; se: number; df: number | null };

export interface DecisionRule {
  /** The analysed outcome column; must be the result's outcome. */
  outcome: string;
  /** The visit of the comparison; required for an MMRM result, absent for ANCOVA. */
  visit?: string;
  /** The treatment arm compared with the result's control arm. */
  arm: string;
  /** Which direction of the outcome is better. */
  direction: 'higher' | 'lower';
  /** Superiority: the benefit must exceed +margin (often 0). Non-inferiority: it must exceed -margin (> 0). */
  margin: number;
  /** Two-sided confidence level of the interval, e.g. 0.95. */
  confidence: number;
  hypothesis: 'superiority' | 'non-inferiority';
  /** Words for the sentence; the result's names are used where absent. */
  labels?: { outcome?: string; visit?: string; arm?: string; control?: string; unit?: string };
  /** Decimals of the numbers in the sentence (default 2). */
  digits?: number;
}

export interface Verdict {
  met: boolean;
  hypothesis: DecisionRule['hypothesis'];
  contrast: string;
  visit?: string;
  /** arm - control, as estimated. */
  difference: number;
  /** The difference oriented so that positive favours the arm, with its interval. */
  benefit: number;
  lower: number;
  upper: number;
  se: number;
  /** null: a normal interval (reference-based imputation). */
  df: number | null;
  confidence: number;
  /** The value the benefit's lower bound must exceed: +margin or -margin. */
  threshold: number;
  /** Two-sided p-value of benefit = threshold; met exactly when p < 1 - confidence and benefit > threshold. */
  p: number;
  sentence: string;
}

export function judge(rule: DecisionRule, result: JudgeableResult): Verdict {
  if (!(rule.confidence > 0 && rule.confidence < 1)) throw badData(`verdict: confidence ${rule.confidence} is not between 0 and 1`);
  if (!(rule.margin >= 0 && Number.isFinite(rule.margin))) throw badData(`verdict: margin ${rule.margin} must be a number >= 0`);
  if (rule.hypothesis === 'non-inferiority' && rule.margin === 0) {
    throw badData('verdict: a non-inferiority rule needs a margin > 0 (margin 0 is superiority)');
  }
  if (rule.outcome !== result.outcome) throw badData(`verdict: the rule is about ${rule.outcome}, the result about ${result.outcome}`);
  const contrast = findContrast(rule, result);

  const sign = rule.direction === 'higher' ? 1 : -1;
  const benefit = sign * contrast.estimate;
  const threshold = rule.hypothesis === 'superiority' ? rule.margin : -rule.margin;
  const df = contrast.df;
  const half = (df === null ? standardNormalQuantile(1 - (1 - rule.confidence) / 2) : studentTQuantile(1 - (1 - rule.confidence) / 2, df)) * contrast.se;
  const lower = benefit - half;
  const upper = benefit + half;
  const met = lower > threshold;
  const statistic = (benefit - threshold) / contrast.se;
  const p = df === null ? 2 * standardNormalUpper(Math.abs(statistic)) : studentTTwoSided(statistic, df);

  const digits = rule.digits ?? 2;
  const labels = rule.labels ?? {};
  const unit = labels.unit ? ` ${labels.unit}` : '';
  const number = (x: number) => (Math.abs(x) < 0.5 * 10 ** -digits ? 0 : x).toFixed(digits);
  const armName = capitalise(labels.arm ?? rule.arm);
  const controlName = labels.control ?? result.control;
  const at = rule.visit !== undefined ? ` at ${labels.visit ?? rule.visit}` : '';
  const on = `on ${labels.outcome ?? rule.outcome}${at}`;
  const level = `${formatPercent(rule.confidence)} CI`;
  const pText = p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
  const marginText = threshold === 0 ? '' : `, margin ${number(rule.margin)}${unit}`;
  const conclusion = `${rule.hypothesis} ${met ? 'shown' : 'not shown'}.`;
  const interval = (low: number, high: number, note: string) =>
    `(${level} ${number(low)} to ${number(high)}${marginText}, ${pText}${note})`;
  // "beats ... by" speaks of the benefit; every other sentence gives the plain difference arm - control.
  const sentence =
    met && rule.hypothesis === 'superiority'
      ? `${armName} beats ${controlName} ${on} by ${number(benefit)}${unit} ${interval(lower, upper, '')}: ${conclusion}`
      : `${armName} ${met ? 'is non-inferior to' : 'vs'} ${controlName} ${on}: difference ${number(contrast.estimate)}${unit} ` +
        `${sign > 0 ? interval(lower, upper, '') : interval(-upper, -lower, ', lower is better')}: ${conclusion}`;

  return {
    met,
    hypothesis: rule.hypothesis,
    contrast: contrast.contrast,
    ...(rule.visit !== undefined ? { visit: rule.visit } : {}),
    difference: contrast.estimate,
    benefit,
    lower,
    upper,
    se: contrast.se,
    df: contrast.df,
    confidence: rule.confidence,
    threshold,
    p,
    sentence,
  };
}

function findContrast(rule: DecisionRule, result: JudgeableResult): JudgedContrast {
  const name = `${rule.arm} - ${result.control}`;
  if (result.kind === 'ancova') {
    if (rule.visit !== undefined) throw badData(`verdict: the rule names visit ${rule.visit}, but an ANCOVA has no visits`);
    const found = result.contrasts.find((c) => c.contrast === name);
    if (!found) throw badData(`verdict: no contrast "${name}" in the result (${result.contrasts.map((c) => c.contrast).join(', ')})`);
    return found;
  }
  if (rule.visit === undefined) throw badData(`verdict: an ${result.kind === 'rbmi' ? 'rbmi' : 'MMRM'} result needs the rule's visit (${result.visits.join(', ')})`);
  const found = result.contrasts.find((c) => c.contrast === name && c.visit === rule.visit);
  if (!found) throw badData(`verdict: no contrast "${name}" at visit ${rule.visit} in the result`);
  return found;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const formatPercent = (level: number) => `${Number((level * 100).toPrecision(6))}%`;
