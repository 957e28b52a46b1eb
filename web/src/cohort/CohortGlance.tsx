import * as Plot from '@observablehq/plot';
import { useCallback, useMemo } from 'react';
import { Link } from '../app/router.tsx';
import { Async, DataTable } from '../app/ui.tsx';
import { namedRowsAxis, PlotFigure } from '../charts/PlotFigure.tsx';
import { personLabel, useUnits } from '../roster/hooks.ts';
import { UnitFlags } from './CohortFlags.tsx';
import { attendancePercent, topUnits, useCohort, useCohortBests, type CohortSummary } from './hooks.ts';

const statuses = ['active', 'injured', 'withdrawn', 'discharged'] as const;

/**
 * The commander's cohort at a glance, per top unit the reader sees: strength by status,
 * attendance and training load, flags and recent personal bests, each unit a link to drill down.
 * Every number comes from the unit summaries (src/cohort), never from the whole people list.
 */
export function CohortGlance() {
  const units = useUnits();
  return (
    <section aria-labelledby="cohort-heading">
      <h2 id="cohort-heading">Cohort at a glance</h2>
      <Async loaded={units}>{({ units: list }) => topUnits(list).map((unit) => <UnitGlance key={unit.id} unit={unit} />)}</Async>
    </section>
  );
}

/** One unit and those below it at a glance; the home shows each top unit's, a unit's page its own. */
export function UnitGlance({ unit }: { unit: { id: number; name: string } }) {
  const summary = useCohort(unit.id);
  return (
    <Async loaded={summary}>
      {(data) => {
        const names = new Map(data.units.map((u) => [u.id, u.name]));
        return (
          <>
            <Strength data={data} />
            <Training data={data} />
            <h3>Flags today</h3>
            <UnitFlags unit={unit} names={names} />
            <RecentBests unit={unit} />
            {data.units.length > 1 && (
                <>
                  <h3>Units</h3>
                  <ul className="cards">
                    {data.units.map((u) => (
                      <li key={u.id} className="card">
                        <Link to={`/units/${u.id}`}>{u.name}</Link>
                        <p>
                          Strength <strong>{u.strength}</strong>
                        </p>
                      </li>
                    ))}
                  </ul>
                </>
      )}
          </>
        );
      }}
    </Async>
  );
}

/** Plot's bottom margin (30 px) is sized for 10 px text: at 12 px the x axis's label overlapped its tick labels. */
const X_LABEL_ROOM = 10;
const MARGIN_BOTTOM = 30 + X_LABEL_ROOM;

function Strength({ data }: { data: CohortSummary }) {
  const [top] = data.units;
  const bars = useMemo(() => data.units.flatMap((u) => statuses.map((status) => ({ unit: u.name, status, count: u.statuses[status] }))), [data]);
  const plot = useCallback(
    (width: number): Plot.PlotOptions => {
      const names = namedRowsAxis(width, 180, 0.35);
      return {
        height: 50 + 40 * data.units.length + X_LABEL_ROOM,
        marginLeft: names.marginLeft,
        marginBottom: MARGIN_BOTTOM,
        x: { label: 'Participants (people)', grid: true },
        y: { domain: data.units.map((u) => u.name) },
        color: { legend: true, label: 'Status', domain: [...statuses], range: ['#2e7d32', '#c77700', '#6b6b6b', '#3b3b98'] },
        marks: [names.axis, Plot.barX(bars, Plot.stackX({ y: 'unit', x: 'count', fill: 'status' })), Plot.ruleX([0])],
      };
    },
    [bars, data],
  );
  return (
    <>
      <ul className="stats">
        <li>
          <strong>{data.units.length}</strong> {data.units.length === 1 ? 'unit' : 'units'}
        </li>
        <StrengthItems unit={top} />
      </ul>
      {data.units.length > 1 && (
        <PlotFigure
          title="Participants by unit and status"
          description="stacked by status; a unit counts the people of the units below it"
          plot={plot}
          table={{ columns: ['Unit', 'Strength', ...statuses], rows: data.units.map((u) => [u.name, u.strength, ...statuses.map((s) => u.statuses[s])]) }}
        />
      )}
    </>
  );
}

/** A unit's strength and its injured, as items of a `stats` list (the Cohort screen's and the commander's home). */
export function StrengthItems({ unit }: { unit: CohortSummary['units'][number] }) {
  return (
    <>
      <li>
        <strong>{unit.strength}</strong> people on strength
      </li>
      <li>
        <strong>{unit.statuses.injured}</strong> injured
      </li>
    </>
  );
}

/** Loads typed in lb are stored in exact kg: show a tenth, as the set views do. */
const oneDecimal = (x: number) => Math.round(x * 10) / 10;

function Training({ data }: { data: CohortSummary }) {
  const rows = useMemo(
    () =>
      data.units.map((u) => ({
        unit: u.name,
        attendance: attendancePercent(u),
        perParticipant: u.strength ? Math.round(u.load / u.strength) : 0,
        u,
      })),
    [data],
  );
  const plot = useCallback(
    (width: number): Plot.PlotOptions => {
      const names = namedRowsAxis(width, 180, 0.35);
      return {
        height: 50 + 40 * rows.length + X_LABEL_ROOM,
        marginLeft: names.marginLeft,
        marginBottom: MARGIN_BOTTOM,
        x: { label: 'Load per participant this week (AU, RPE × min)', grid: true },
        y: { domain: rows.map((r) => r.unit) },
        marks: [names.axis, Plot.barX(rows, { y: 'unit', x: 'perParticipant', fill: '#3b3b98' }), Plot.ruleX([0])],
      };
    },
    [rows],
  );
  return (
    <>
      <h3>Training</h3>
      {rows.length > 1 && (
          <PlotFigure
            title={`Training load, week from ${data.weekStart}`}
            description="session RPE × minutes, summed over the week and divided by the unit's strength"
            plot={plot}
            table={{ columns: ['Unit', 'Load per participant (AU)'], rows: rows.map((r) => [r.unit, r.perParticipant]) }}
          />
      )}
      <DataTable
        stacked
        label="Attendance and training load per unit"
        columns={['Unit', `Attendance since ${data.attendanceFrom} (%)`, 'Load this week (AU)', 'Per participant (AU)', 'Trained this week']}
        rows={rows.map((r) => [r.unit, r.attendance ?? '—', Math.round(r.u.load), r.perParticipant, `${r.u.trained} of ${r.u.strength}`])}
        rowKey={(i) => rows[i].u.id}
      />
    </>
  );
}

function RecentBests({ unit }: { unit: { id: number; name: string } }) {
  const bests = useCohortBests(unit.id);
  return (
    <section aria-labelledby={`bests-${unit.id}`}>
      <h3 id={`bests-${unit.id}`}>Recent personal bests</h3>
      <Async loaded={bests}>
        {(data) =>
          data.bests.length ? (
            <ul aria-label={`Recent personal bests in ${unit.name}`}>
              {data.bests.map((b) => (
                <li key={`${b.kind}-${b.person.id}-${b.what}-${b.date}`}>
                  {b.date}: <Link to={`/people/${b.person.id}`}>{personLabel(b.person)}</Link>, {b.what} {oneDecimal(b.value)} {b.unit} (before: {oneDecimal(b.previous)} {b.unit})
                </li>
              ))}
            </ul>
          ) : (
            <p>No new personal bests since {data.from}.</p>
          )
        }
      </Async>
    </section>
  );
}
