import { useState } from 'react';
import { navigate, useLocation } from '../app/router.tsx';
import { hasRole, useMe } from '../app/session.tsx';
import { Async, Page } from '../app/ui.tsx';
import { AddPerson, UnitOptions } from './PersonAdmin.tsx';
import { PEOPLE_PAGE_SIZE, usePeoplePage, useUnits, type PeoplePage as Loaded } from './hooks.ts';
import { PeopleTable } from './PeopleTable.tsx';

/** The roster a page at a time, filtered by unit and searched by name or designation on the server; all three kept in the address, so they survive a reload. */
export function PeoplePage() {
  const me = useMe();
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const unitId = params.get('unitId') ? Number(params.get('unitId')) : undefined;
  const text = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const units = useUnits();
  const people = usePeoplePage({ unitId, q: text.trim() || undefined, limit: PEOPLE_PAGE_SIZE, offset: (page - 1) * PEOPLE_PAGE_SIZE });
  // While the next page or search loads, the last answer stays on screen instead of "Loading…".
  const [last, setLast] = useState<Loaded | undefined>(undefined);
  if (people.data && people.data !== last) setLast(people.data);
  const shown = people.data ?? (people.error ? undefined : last);

  const go = (changes: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries({ page: undefined, ...changes })) {
      if (value === undefined || value === '' || (key === 'page' && value === 1)) next.delete(key);
      else next.set(key, String(value));
    }
    const query = next.toString();
    navigate(query ? `/people?${query}` : '/people', { replace: true });
  };

  return (
    <Page title="People">
      {hasRole(me, 'admin') && <AddPerson />}
      <div className="filters">
        <label>
          Unit
          <select value={unitId ?? ''} onChange={(e) => go({ unitId: e.target.value })}>
            <option value="">All units</option>
            <UnitOptions units={units.data?.units ?? []} />
          </select>
        </label>
        <label>
          Name or designation
          <input type="search" value={text} onChange={(e) => go({ q: e.target.value })} />
        </label>
      </div>
      <Async loaded={{ ...people, data: shown }}>
        {(data) => {
          const first = (page - 1) * PEOPLE_PAGE_SIZE + 1;
          const lastShown = first + data.people.length - 1;
          const pages = Math.max(1, Math.ceil(data.total / PEOPLE_PAGE_SIZE));
          return (
            <div aria-busy={people.loading}>
              <p className="muted" aria-live="polite">
                {data.people.length ? `${first.toLocaleString()}–${lastShown.toLocaleString()} of ${data.total.toLocaleString()} people` : `0 of ${data.total.toLocaleString()} people`}
              </p>
              <PeopleTable people={data.people} label="People" />
              {pages > 1 && (
                <nav className="pager" aria-label="Pages of people">
                  <button type="button" disabled={page <= 1} onClick={() => go({ page: page - 1 })}>
                    Previous page
                  </button>
                  <span>
                    Page {page} of {pages}
                  </span>
                  <button type="button" disabled={page >= pages} onClick={() => go({ page: page + 1 })}>
                    Next page
                  </button>
                </nav>
              )}
            </div>
          );
        }}
      </Async>
    </Page>
  );
}
