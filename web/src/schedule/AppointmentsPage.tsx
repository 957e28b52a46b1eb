import { useState } from 'react';
import { Async, Page } from '../app/ui.tsx';
import { AppointmentTable } from './AppointmentTable.tsx';
import { useAppointmentsAround } from './hooks.ts';

/** The investigator's view of who came and when: every appointment of the coming days with its status and check-in. */
export function AppointmentsPage() {
  const [days, setDays] = useState(7);
  const appointments = useAppointmentsAround(days);
  return (
    <Page title="Appointments">
      <label className="narrow">
        Days ahead
        <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
          {[1, 7, 14, 31].map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <Async loaded={appointments}>
        {({ appointments: list }) => (
          <>
            <p className="muted">
              {list.length} appointments from yesterday: {list.filter((a) => a.checkIn).length} checked in, {list.filter((a) => a.status === 'missed').length} missed,{' '}
              {list.filter((a) => a.status === 'ordered').length} not yet relayed.
            </p>
            <AppointmentTable label="Appointments, soonest first" list={list} />
          </>
        )}
      </Async>
    </Page>
  );
}
