import { useState } from 'react';
import { Async, Page } from '../app/ui.tsx';
import { AppointmentTable } from './AppointmentTable.tsx';
import { useAppointmentsAround } from './hooks.ts';

/** The investigator's view of who came and when: every appointment of the coming days with its status and check-in. */
export function AppointmentsPage() {
  const [days, setDays] = useState(7);
  const [back, setBack] = useState(7);
  const appointments = useAppointmentsAround(days, back);
  return (
    <Page title="Appointments">
      <div className="columns">
        <DaysChoice label="Days back" value={back} onChange={setBack} />
        <DaysChoice label="Days ahead" value={days} onChange={setDays} />
      </div>
      <Async loaded={appointments}>
        {({ appointments: list }) => (
          <>
            <p className="muted">
              {list.length} appointments: {list.filter((a) => a.checkIn).length} checked in, {list.filter((a) => a.status === 'missed').length} missed,{' '}
              {list.filter((a) => a.status === 'ordered').length} not yet relayed.
            </p>
            <AppointmentTable label="Appointments, soonest first" list={list} />
          </>
        )}
      </Async>
    </Page>
  );
}

function DaysChoice({ label, value, onChange }: { label: string; value: number; onChange: (days: number) => void }) {
  return (
    <label className="narrow">
      {label}
      <select value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {[1, 7, 14, 31].map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
}
