import type { ReactNode } from 'react';
import type { ResponseOf } from '../api/client.ts';
import { DataTable, formatInstant } from '../app/ui.tsx';

export type Appointment = ResponseOf<'/api/appointments'>['appointments'][number];

/** When, at the location: its local date and time in its own zone, which is what the summons says. */
export const localWhen = (a: Appointment) => `${a.local.date} ${a.local.time} (${a.location.timeZone})`;

/** Whether and when the person came: the check-in time and minutes early or late, or the status. */
export function arrival(a: Appointment): string {
  if (!a.checkIn) return a.status === 'missed' ? 'did not come' : '—';
  const minutes = a.checkIn.minutesLate;
  return `${formatInstant(a.checkIn.at)} (${minutes === 0 ? 'on the minute' : `${Math.abs(minutes)} min ${minutes > 0 ? 'late' : 'early'}`})`;
}

/** Appointments as a table, one row each; `action` adds a last column (relay, acknowledge). */
export function AppointmentTable({ label, list, showPerson = true, action }: { label: string; list: readonly Appointment[]; showPerson?: boolean; action?: { heading: string; cell: (a: Appointment) => ReactNode } }) {
  if (list.length === 0) return <p className="muted">No appointments.</p>;
  // Who came and when first: on a wide list the columns after them scroll.
  const columns = [...(showPerson ? ['Who'] : []), 'When (local)', 'Status', 'Checked in', ...(action ? [action.heading] : []), 'What', 'Where', 'Ordered by'];
  return (
    <DataTable
      label={label}
      stacked
      columns={columns}
      rowKey={(i) => list[i].id}
      rows={list.map((a) => [
        ...(showPerson ? [`${a.person.designation} ${[a.person.rank, a.person.name].filter(Boolean).join(' ')}`] : []),
        localWhen(a),
        a.status,
        arrival(a),
        ...(action ? [action.cell(a)] : []),
        `${a.title} (${a.purpose}${a.visit ? `, window ${a.visit.windowEarliest} to ${a.visit.windowLatest}` : ''})`,
        a.location.directions ? `${a.location.name}: ${a.location.directions}` : a.location.name,
        a.orderedBy,
      ])}
    />
  );
}
