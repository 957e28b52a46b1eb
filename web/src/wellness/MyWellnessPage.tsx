import { useMe } from '../app/session.tsx';
import { Page } from '../app/ui.tsx';
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
        <TodayForm onSaved={history.reload} />
        <WellnessHistoryPanel history={history} whose="your" />
      </div>
    </Page>
  );
}
