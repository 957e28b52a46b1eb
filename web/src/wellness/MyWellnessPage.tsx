import { useMe } from '../app/session.tsx';
import { Async, Page } from '../app/ui.tsx';
import { useWellnessHistory } from './hooks.ts';
import { TodayForm } from './TodayForm.tsx';
import { WellnessHistoryPanel } from './WellnessHistoryPanel.tsx';

/** The participant's daily report and their wellness over time. */
export function MyWellnessPage() {
  const me = useMe();
  const history = useWellnessHistory(me.personId);
  return (
    <Page title="My wellness">
      <div className="columns wide">
        <Async loaded={history}>
          {({ today, reports }) => {
            const sent = reports.find((report) => report.date === today) ?? null;
            return <TodayForm sent={sent} onSaved={history.reload} />;
          }}
        </Async>
        <WellnessHistoryPanel history={history} whose="your" />
      </div>
    </Page>
  );
}
