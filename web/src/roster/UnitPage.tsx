import { Link } from '../app/router.tsx';
import { hasRole, useMe } from '../app/session.tsx';
import { Async, Facts, Page } from '../app/ui.tsx';
import { UnitGlance } from '../cohort/CohortGlance.tsx';
import { PEOPLE_PAGE_SIZE, personLabel, usePeoplePage, useUnit, useUnits } from './hooks.ts';
import { PeopleTable } from './PeopleTable.tsx';

/** One unit: its staff, its sub-units (or, for those who watch units, its dashboard) and its people (the drill-down from the cohort). */
export function UnitPage({ params }: { params: Record<string, string> }) {
  const me = useMe();
  const id = Number(params.id);
  const unit = useUnit(id);
  const units = useUnits();
  // The first page; a large unit continues on the people screen.
  const people = usePeoplePage({ unitId: id, limit: PEOPLE_PAGE_SIZE });
  const children = units.data?.units.filter((u) => u.parentId === id) ?? [];
  // The unit's dashboard (it lists the units below too): the roles src/auth/policy.ts lets read it.
  const watchesUnits = hasRole(me, 'trainer', 'investigator', 'monitor');
  return (
    <Page title={unit.data?.name ?? 'Unit'}>
      <Async loaded={unit}>
        {(u) => (
          <Facts
            className="card"
            items={[
              ['Kind', u.kind],
              ['Time zone', u.timeZone],
              ['Strength', u.strength],
              ['Commander', u.commander ? personLabel(u.commander) : '—'],
              ['Trainers', u.trainers.length ? u.trainers.map((t) => personLabel(t)).join(', ') : '—'],
            ]}
          />
        )}
      </Async>
      {watchesUnits ? (
        unit.data && (
          <section aria-labelledby="glance-heading">
            <h2 id="glance-heading">At a glance</h2>
            <UnitGlance unit={unit.data} />
          </section>
        )
      ) : children.length > 0 && (
        <section aria-labelledby="subunits-heading">
          <h2 id="subunits-heading">Sub-units</h2>
          <ul>
            {children.map((child) => (
              <li key={child.id}>
                <Link to={`/units/${child.id}`}>{child.name}</Link> ({child.strength})
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="members-heading">
        <h2 id="members-heading">People</h2>
        <Async loaded={people}>
          {(data) => (
            <>
              <PeopleTable people={data.people} label="People of the unit" />
              {data.total > data.people.length && (
                <p>
                  <Link to={`/people?unitId=${id}`}>All {data.total.toLocaleString()} people of the unit, a page at a time</Link>
                </p>
              )}
            </>
          )}
        </Async>
      </section>
    </Page>
  );
}
