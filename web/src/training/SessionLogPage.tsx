import { useState } from 'react';
import { api } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { useLocation } from '../app/router.tsx';
import { ErrorMessage, Page } from '../app/ui.tsx';
import type { Unit } from '../roster/hooks.ts';
import { OutboxStatus } from './OutboxStatus.tsx';
import { localNow } from './localTime.ts';
import { UnitPicker } from './UnitPicker.tsx';
import { SessionDetail } from './SessionPage.tsx';


/**
 * The trainer's session log: a unit, today's session, then the session's page (its times,
 * attendance and sets). Opened from a planned session (`?unitId=&session=`), it starts on that session.
 */
export function SessionLogPage() {
  const query = new URLSearchParams(useLocation().search);
  const plannedUnit = Number(query.get('unitId')) || null;
  const plannedSession = Number(query.get('session')) || null;
  return (
    <Page title="Log a session">
      <UnitPicker initialUnitId={plannedUnit}>{(unit) => <UnitSession key={unit.id} unit={unit} plannedSession={unit.id === plannedUnit ? plannedSession : null} />}</UnitPicker>
      <OutboxStatus />
    </Page>
  );
}

function UnitSession({ unit, plannedSession }: { unit: Unit; plannedSession: number | null }) {
  const today = localNow(unit.timeZone).date;
  const sessions = useApi('/api/training/sessions', { query: { unitId: unit.id, from: today, to: today } });
  const planned = useApi(plannedSession === null ? null : '/api/training/sessions/{id}', { path: { id: plannedSession ?? 0 } });
  const [chosen, setChosen] = useState<number | null>(plannedSession);
  const [error, setError] = useState<Error | null>(null);
  const todays = (sessions.data?.sessions ?? []).filter((s) => s.unit.id === unit.id && s.planned.date === today);
  // A planned session opened from the plan may be on another day: offer it too.
  if (planned.data && !todays.some((s) => s.id === planned.data!.id)) todays.unshift(planned.data);
  // Unless one is chosen: the latest of today's sessions to have started (the one in progress), else the first.
  const now = new Date().toISOString();
  const started = todays.filter((s) => s.status !== 'cancelled' && (s.actual ?? s.planned).at <= now).sort((a, b) => ((a.actual ?? a.planned).at < (b.actual ?? b.planned).at ? -1 : 1));
  const sessionId = chosen ?? started.at(-1)?.id ?? todays[0]?.id ?? null;

  // The server answers the session started in the last half hour, if any, instead of making a second.
  async function start() {
    try {
      const started = await api('post', '/api/training/sessions/start', { body: { unitId: unit.id } });
      setChosen(started.id);
      sessions.reload();
    } catch (failure) {
      setError(failure as Error);
    }
  }

  return (
    <section aria-labelledby="session-heading" className="stack">
      <h2 id="session-heading">Today’s session ({today})</h2>
      {todays.length > 0 && (
        <label className="narrow">
          Session
          <select value={sessionId ?? ''} onChange={(e) => setChosen(Number(e.target.value))}>
            {todays.map((s) => (
              <option key={s.id} value={s.id}>
                {s.planned.date === today ? '' : `${s.planned.date} `}
                {s.planned.time} {s.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <p>
        <button type="button" onClick={() => void start()}>
          Start a session now
        </button>
      </p>
      {error && <ErrorMessage error={error} />}
      {sessionId !== null && <SessionDetail key={sessionId} sessionId={sessionId} />}
    </section>
  );
}
