import { useState } from 'react';
import { useApi } from '../app/useApi.ts';

const DAY_MS = 86_400_000;

/** Appointments from `back` days ago to `days` ahead. */
export function useAppointmentsAround(days: number, back = 1) {
  // The screen's "now" is when it opened, so the query (and the request) stays the same across renders.
  const [openedAt] = useState(() => Date.now());
  return useApi('/api/appointments', { query: { from: new Date(openedAt - back * DAY_MS).toISOString(), to: new Date(openedAt + days * DAY_MS).toISOString(), limit: 1000 } });
}
