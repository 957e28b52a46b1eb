import { useState } from 'react';
import { navigate, useLocation } from '../app/router.tsx';
import { Async, Page } from '../app/ui.tsx';
import { usePeople, useUnits } from './hooks.ts';
import { PeopleTable } from './PeopleTable.tsx';

/** The roster, filtered by unit (kept in the address, so it survives a reload) and by name. */
export function PeoplePage() {
  const { search } = useLocation();
  const unitParam = new URLSearchParams(search).get('unitId');
  const unitId = unitParam ? Number(unitParam) : undefined;
  const units = useUnits();
  const people = usePeople(unitId);
  const [text, setText] = useState('');
  const needle = text.trim().toLowerCase();

  return (
    <Page title="People">
      <div className="filters">
        <label>
          Unit
          <select value={unitId ?? ''} onChange={(e) => navigate(e.target.value ? `/people?unitId=${e.target.value}` : '/people', { replace: true })}>
            <option value="">All units</option>
            {units.data?.units.map((unit) => (
              <option key={unit.id} value={unit.id}>
                {unit.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name or designation
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </div>
      <Async loaded={people}>
        {(data) => {
          const shown = needle ? data.people.filter((p) => `${p.name} ${p.designation}`.toLowerCase().includes(needle)) : data.people;
          return (
            <>
              <p className="muted" aria-live="polite">
                {shown.length} of {data.people.length} people
              </p>
              <PeopleTable people={shown} label="People" />
            </>
          );
        }}
      </Async>
    </Page>
  );
}
