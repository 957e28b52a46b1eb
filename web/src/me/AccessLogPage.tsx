import { Async, DataTable, Page } from '../app/ui.tsx';
import { useAccessLog } from './hooks.ts';

/** What a day's reads by one viewer were: "roster record (3), training sets". */
export const describeReads = (reads: { what: string; count: number }[]) => reads.map((r) => (r.count > 1 ? `${r.what} (${r.count})` : r.what)).join(', ');

/** Who viewed my data: every read of the participant's data is logged by the server; one line per viewer and day, with how many reads. */
export function AccessLogPage() {
  const log = useAccessLog();
  return (
    <Page title="Who viewed my data">
      <Async loaded={log}>
        {({ entries }) =>
          entries.length ? (
            <DataTable
              stacked
              label="Who viewed my data"
              columns={['Day', 'Who', 'Reads', 'What']}
              rows={entries.map((entry) => [entry.date, entry.viewer, String(entry.count), describeReads(entry.reads)])}
            />
          ) : (
            <p>Nobody has viewed your data yet.</p>
          )
        }
      </Async>
    </Page>
  );
}
