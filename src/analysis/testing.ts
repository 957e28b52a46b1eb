import { seededRandom } from '../shared/random.ts';

/**
 * A small two-arm trial in long format (subject, arm, visit, baseline, outcome), the same every
 * time: the protein arm gains about 0.6 kg of lean mass per visit more than placebo, and some
 * subjects miss later visits. For tests of the analysis route and screen.
 */
export function simulatedTrialCsv({ subjects = 40, visits = ['week4', 'week8', 'week12'], seed = 11 } = {}): string {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = ['subject,arm,visit,lean_bl,lean'];
  for (let s = 1; s <= subjects; s++) {
    const arm = s % 2 === 0 ? 'protein' : 'placebo';
    const baseline = 60 + 6 * normal();
    const own = normal();
    visits.forEach((visit, v) => {
      const dropped = v > 0 && random() < 0.1 * v;
      const outcome = baseline + 0.3 * (v + 1) + (arm === 'protein' ? 0.6 * (v + 1) : 0) + own + 0.5 * normal();
      lines.push(`S${s},${arm},${visit},${baseline.toFixed(2)},${dropped ? '' : outcome.toFixed(2)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}
