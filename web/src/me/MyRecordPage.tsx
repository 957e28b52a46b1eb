import { useMe } from '../app/session.tsx';
import { Async, Page } from '../app/ui.tsx';
import { PersonDetails } from '../roster/PersonPage.tsx';
import { useMyRecord } from './hooks.ts';

export function MyRecordPage() {
  const me = useMe();
  const record = useMyRecord(me.personId);
  return (
    <Page title="My record">
      <Async loaded={record}>{(person) => <PersonDetails person={person} />}</Async>
    </Page>
  );
}
