import { Facts } from '../app/ui.tsx';
import { fixed } from '../charts/PlotFigure.tsx';
import type { AnalysisResponse } from './hooks.ts';

type Verdict = NonNullable<AnalysisResponse['verdict']>;

/** The decision rule's verdict: the sentence first, then the numbers behind it. */
export function VerdictPanel({ verdict }: { verdict: Verdict }) {
  return (
    <section aria-labelledby="verdict-heading" className={`card verdict ${verdict.met ? 'met' : 'not-met'}`}>
      <h2 id="verdict-heading">
        Verdict: <span className="badge">{verdict.met ? `${verdict.hypothesis} shown` : `${verdict.hypothesis} not shown`}</span>
      </h2>
      <p className="sentence">{verdict.sentence}</p>
      <Facts
        items={[
          ['Comparison', `${verdict.contrast}${verdict.visit !== undefined ? ` at ${verdict.visit}` : ''}`],
          ['Benefit (favours the arm when positive)', `${fixed(verdict.benefit)} (${fixed(verdict.confidence * 100, 1)}% CI ${fixed(verdict.lower)} to ${fixed(verdict.upper)})`],
          ['Threshold the lower bound must exceed', fixed(verdict.threshold)],
          ['p (against the threshold)', verdict.p < 0.001 ? '< 0.001' : verdict.p.toFixed(3)],
        ]}
      />
    </section>
  );
}

/** A decision rule's comparison on groups that were not randomised: described, never judged. */
export function ComparisonPanel({ description }: { description: string }) {
  return (
    <section aria-labelledby="comparison-heading" className="card">
      <h2 id="comparison-heading">Comparison (no verdict: the groups were not randomised)</h2>
      <p className="description">{description}</p>
    </section>
  );
}
