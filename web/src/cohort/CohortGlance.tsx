import * as Plot from '@observablehq/plot';
import { useCallback, useMemo } from 'react';
import { Link } from '../app/router.tsx';
import { Async } from '../app/ui.tsx';
import { PlotFigure } from '../charts/PlotFigure.tsx';
import { usePeople, useUnits, type DirectoryEntry, type Unit } from '../roster/hooks.ts';
import { UnitLoadTable } from '../training/UnitLoadTable.tsx';
import { UnitWellnessCard } from '../wellness/UnitWellnessCard.tsx';

const statuses = ['active', 'injured', 'withdrawn', 'discharged'] as const;

/**
 * Participants of each unit by status, from the roster the reader may see. Like the API's
 * strength, a unit counts the people of the units below it.
 */
function statusCounts(units: readonly Unit[], people: readonly DirectoryEntry[]) {
  const parentOf = new Map(units.map((unit) => [unit.id, unit.parentId]));
  const counts = new Map(units.map((unit) => [unit.id, Object.fromEntries(statuses.map((s) => [s, 0])) as Record<(typeof statuses)[number], number>]));
  for (const person of people) {
    if (!person.unit || !person.roles.includes('participant')) continue;
    for (let id: number | null | undefined = person.unit.id; id !== null && id !== undefined; id = parentOf.get(id)) {
      const unitCounts = counts.get(id);
      if (unitCounts) unitCounts[person.status]++;
    }
  }
  return units.map((unit) => ({ unit, counts: counts.get(unit.id)! }));
}

/** The commander's cohort at a glance: each unit's strength and who is fit to train, with a drill-down per unit. */
export function CohortGlance() {
  const units = useUnits();
  const people = usePeople();
  return (
    <section aria-labelledby="cohort-heading">
      <h2 id="cohort-heading">Cohort at a glance</h2>
      <Async loaded={units}>
        {(u) => <Async loaded={people}>{(p) => <Glance rows={statusCounts(u.units, p.people)} />}</Async>}
      </Async>
    </section>
  );
}

function Glance({ rows }: { rows: ReturnType<typeof statusCounts> }) {
  const bars = useMemo(() => rows.flatMap(({ unit, counts }) => statuses.map((status) => ({ unit: unit.name, status, count: counts[status] }))), [rows]);
  // Strength includes the units below, so the cohort is the sum over the top units the reader sees.
  const tops = rows.filter((row) => !rows.some((other) => other.unit.id === row.unit.parentId));
  const total = tops.reduce((sum, row) => sum + row.unit.strength, 0);
  const injured = tops.reduce((sum, row) => sum + row.counts.injured, 0);
  const plot = useCallback(
    (width: number): Plot.PlotOptions => ({
      height: 50 + 40 * rows.length,
      marginLeft: Math.min(180, width * 0.35),
      x: { label: 'Participants (people)', grid: true },
      y: { label: null, domain: rows.map((row) => row.unit.name) },
      color: { legend: true, label: 'Status', domain: [...statuses], range: ['#2e7d32', '#c77700', '#6b6b6b', '#3b3b98'] },
      marks: [Plot.barX(bars, Plot.stackX({ y: 'unit', x: 'count', fill: 'status' })), Plot.ruleX([0])],
    }),
    [bars, rows],
  );
  return (
    <>
      <ul className="stats">
        <li>
          <strong>{rows.length}</strong> units
        </li>
        <li>
          <strong>{total}</strong> people on strength
        </li>
        <li>
          <strong>{injured}</strong> injured
        </li>
      </ul>
      <PlotFigure
        title="Participants by unit and status"
        description="stacked by status; a unit counts the people of the units below it"
        plot={plot}
        table={{ columns: ['Unit', 'Strength', ...statuses], rows: rows.map(({ unit, counts }) => [unit.name, unit.strength, ...statuses.map((s) => counts[s])]) }}
      />
      <h3>Training load this week</h3>
      <UnitLoadTable units={rows.map((row) => row.unit)} />
      <h3>Wellness today</h3>
      <div className="cards">
        {rows.map(({ unit }) => (
          <UnitWellnessCard key={unit.id} unit={unit} />
        ))}
      </div>
      <h3>Units</h3>
      <ul className="cards">
        {rows.map(({ unit }) => (
          <li key={unit.id} className="card">
            <Link to={`/units/${unit.id}`}>{unit.name}</Link>
            <p>
              Strength <strong>{unit.strength}</strong>
              {unit.commander && `, commanded by ${unit.commander.rank} ${unit.commander.name}`}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
