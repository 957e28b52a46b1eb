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
      <dl className="facts">
        <dt>Comparison</dt>
        <dd>
          {verdict.contrast}
          {verdict.visit !== undefined && ` at ${verdict.visit}`}
        </dd>
        <dt>Benefit (favours the arm when positive)</dt>
        <dd>
          {fixed(verdict.benefit)} ({fixed(verdict.confidence * 100, 1)}% CI {fixed(verdict.lower)} to {fixed(verdict.upper)})
        </dd>
        <dt>Threshold the lower bound must exceed</dt>
        <dd>{fixed(verdict.threshold)}</dd>
        <dt>p (against the threshold)</dt>
        <dd>{verdict.p < 0.001 ? '< 0.001' : verdict.p.toFixed(3)}</dd>
      </dl>
    </section>
  );
}
