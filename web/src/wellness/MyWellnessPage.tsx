import { useMe } from '../app/session.tsx';
import { Async, Page } from '../app/ui.tsx';
import { describeFlag, useWellnessHistory } from './hooks.ts';
import { TodayForm } from './TodayForm.tsx';
import { WellnessChart } from './WellnessChart.tsx';

/** The participant's daily report and their wellness over time. */
export function MyWellnessPage() {
  const me = useMe();
  const history = useWellnessHistory(me.personId);
  return (
    <Page title="My wellness">
      <div className="columns wide">
        <TodayForm onSaved={history.reload} />
        <Async loaded={history}>
          {(data) => (
            <div className="stack">
              <p>
                Today’s score is <strong>{describeFlag(data.flags.wellness)}</strong>; training load ratio{' '}
                <strong>{describeFlag(data.flags.loadRatio)}</strong>.
              </p>
              {data.reports.length > 0 ? <WellnessChart reports={data.reports} /> : <p>No reports yet.</p>}
            </div>
          )}
        </Async>
      </div>
    </Page>
  );
}
