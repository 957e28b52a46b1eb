import { Async, DataTable, formatInstant, Page } from '../app/ui.tsx';
import { useAccessLog } from './hooks.ts';

/** Who viewed my data: every read of the participant's data is logged by the server. */
export function AccessLogPage() {
  const log = useAccessLog();
  return (
    <Page title="Who viewed my data">
      <Async loaded={log}>
        {({ entries }) =>
          entries.length ? (
            <DataTable stacked label="Who viewed my data" columns={['When', 'Who', 'What']} rows={entries.map((entry) => [formatInstant(entry.at), entry.viewer, entry.what])} />
          ) : (
            <p>Nobody has viewed your data yet.</p>
          )
        }
      </Async>
    </Page>
  );
}
