import { useMe } from '../app/session.tsx';
import { Page } from '../app/ui.tsx';
import { MeasurementsPanel } from './MeasurementsPanel.tsx';

export function MyMeasurementsPage() {
  const me = useMe();
  return (
    <Page title="My body measurements">
      <MeasurementsPanel personId={me.personId} />
    </Page>
  );
}
