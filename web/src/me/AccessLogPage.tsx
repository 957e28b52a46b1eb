import { Async, formatInstant, Page, TableScroll } from '../app/ui.tsx';
import { useAccessLog } from './hooks.ts';

/** Who viewed my data: every read of the participant's data is logged by the server. */
export function AccessLogPage() {
  const log = useAccessLog();
  return (
    <Page title="Who viewed my data">
      <Async loaded={log}>
        {({ entries }) =>
          entries.length ? (
            <TableScroll label="Who viewed my data">
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">What</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry, i) => (
                    <tr key={i}>
                      <td>{formatInstant(entry.at)}</td>
                      <td>{entry.viewer}</td>
                      <td>{entry.what}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          ) : (
            <p>Nobody has viewed your data yet.</p>
          )
        }
      </Async>
    </Page>
  );
}
