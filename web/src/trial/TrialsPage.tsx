import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { useOffers } from './hooks.ts';

const statusWords = { draft: 'draft', recruiting: 'recruiting', closed: 'closed', unblinded: 'unblinded' } as const;

/** Every trial, newest first; each opens its protocol's page and the tasks the signed-in roles have in it. */
export function TrialsPage() {
  const trials = useApi('/api/trials');
  const mayCreate = useOffers('/trials/new');
  return (
    <Page title="Trials" actions={mayCreate ? <Link to="/trials/new">New trial</Link> : undefined}>
      <Async loaded={trials}>
        {({ trials: list }) =>
          list.length === 0 ? (
            <p>No trials yet.</p>
          ) : (
            <DataTable
              label="Trials"
              columns={['Code', 'Title', 'Status']}
              rowKey={(i) => list[i].code}
              rows={list.map((t) => [<Link key={t.code} to={`/trials/${encodeURIComponent(t.code)}`}>{t.code}</Link>, t.title, statusWords[t.status]])}
            />
          )
        }
      </Async>
    </Page>
  );
}
