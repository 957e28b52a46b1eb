import { Async } from '../app/ui.tsx';
import type { Loaded } from '../app/useApi.ts';
import { describeFlag, type WellnessHistory } from './hooks.ts';
import { WellnessChart } from './WellnessChart.tsx';

/** A participant's flags today and wellness over time; their own page (`whose` = your) and the staff's page of a person (their) show it. */
export function WellnessHistoryPanel({ history, whose }: { history: Loaded<WellnessHistory>; whose: 'your' | 'their' }) {
  return (
    <Async loaded={history}>
      {(data) => (
        <div className="stack">
          <p>
            Today’s score is <strong>{describeFlag(data.flags.wellness, whose)}</strong>; training load ratio <strong>{describeFlag(data.flags.loadRatio, whose, 2)}</strong>.
          </p>
          {data.reports.length > 0 ? <WellnessChart reports={data.reports} /> : <p>No reports yet.</p>}
        </div>
      )}
    </Async>
  );
}
