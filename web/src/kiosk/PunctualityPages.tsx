/** Punctuality on the datapad: a unit's participants (staff), and one participant's appointments with their arrivals. */
import { useState } from 'react';
import type { ResponseOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { Async, DataTable, Facts, Page } from '../app/ui.tsx';
import { useApi } from '../app/useApi.ts';
import { UnitPicker } from '../training/UnitPicker.tsx';

type Counts = ResponseOf<'/api/units/{id}/punctuality'>['total'];
const PERIODS = [7, 28, 91];

const signed = (minutes: number | null) => (minutes === null ? '–' : `${minutes > 0 ? '+' : ''}${minutes}`);

function Summary({ counts, toleranceMinutes }: { counts: Counts; toleranceMinutes: number }) {
  return (
    <Facts
      items={[
        ['Appointments begun', counts.appointments],
        ['Checked in', counts.checkedIn],
        [`On time (±${toleranceMinutes} min)`, counts.onTime],
        ['Early', counts.early],
        ['Late', counts.late],
        ['Not checked in', counts.notCheckedIn],
        ['Mean minutes late', signed(counts.meanMinutesLate)],
      ]}
    />
  );
}

function PeriodChoice({ days, onChange }: { days: number; onChange: (days: number) => void }) {
  return (
    <label className="narrow">
      Days back
      <select value={days} onChange={(event) => onChange(Number(event.target.value))}>
        {PERIODS.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A unit's punctuality: in total and per participant (the unit and those below). */
export function UnitPunctualityPage() {
  const [days, setDays] = useState(28);
  return (
    <Page title="Punctuality">
      <PeriodChoice days={days} onChange={setDays} />
      <UnitPicker>{(unit) => <UnitPunctuality unitId={unit.id} days={days} />}</UnitPicker>
    </Page>
  );
}

function UnitPunctuality({ unitId, days }: { unitId: number; days: number }) {
  const loaded = useApi('/api/units/{id}/punctuality', { path: { id: unitId }, query: { days } });
  return (
    <Async loaded={loaded}>
      {(data) => (
        <section className="stack" aria-label={`Punctuality of ${data.unit.name}`}>
          <Summary counts={data.total} toleranceMinutes={data.toleranceMinutes} />
          <DataTable
            label={`Participants of ${data.unit.name}`}
            columns={['Participant', 'Appointments', 'On time', 'Early', 'Late', 'Not checked in', 'Mean min late']}
            rowKey={(i) => data.people[i].personId}
            rows={data.people.map((p) => [
              <Link key="who" to={`/people/${p.personId}/punctuality`}>
                {p.designation} {p.rank} {p.name}
              </Link>,
              p.appointments,
              p.onTime,
              p.early,
              p.late,
              p.notCheckedIn,
              signed(p.meanMinutesLate),
            ])}
          />
        </section>
      )}
    </Async>
  );
}

/** One participant's appointments: when each began (at its location), when they arrived, how early or late. */
export function PersonPunctualityPage({ params }: { params: Record<string, string> }) {
  const [days, setDays] = useState(28);
  const loaded = useApi('/api/people/{id}/punctuality', { path: { id: Number(params.id) }, query: { days } });
  return (
    <Page title="Punctuality of a participant">
      <PeriodChoice days={days} onChange={setDays} />
      <Async loaded={loaded}>
        {(data) => (
          <div className="stack">
            <Summary counts={data.summary} toleranceMinutes={data.toleranceMinutes} />
            <DataTable
              label="Appointments, newest first"
              columns={['Date', 'Time (local)', 'Appointment', 'Where', 'Status', 'Arrived', 'Min late']}
              rowKey={(i) => data.appointments[i].appointmentId}
              rows={data.appointments.map((a) => [
                a.localDate,
                a.localTime,
                a.title,
                a.location,
                a.status,
                a.punctuality ?? 'not checked in',
                signed(a.minutesLate),
              ])}
            />
          </div>
        )}
      </Async>
    </Page>
  );
}
