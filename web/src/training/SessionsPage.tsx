import { useState, type FormEvent } from 'react';
import { api, type ResponseOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { outcomeOf, SubmitWithOutcome, type Outcome } from './FormOutcome.tsx';
import { Async, DataTable, ExportLinks, Page } from '../app/ui.tsx';
import type { Unit } from '../roster/hooks.ts';
import { LocalDateTimeFields } from './fields.tsx';
import { localNow } from './localTime.ts';
import { UnitPicker } from './UnitPicker.tsx';

export type TrainingSession = ResponseOf<'/api/training/sessions'>['sessions'][number];

/** The trainer's plan: sessions of a unit planned in the unit's own time zone, upcoming and past, each marked held or cancelled. */
export function SessionsPage() {
  return (
    <Page title="Plan sessions">
      <UnitPicker>{(unit) => <UnitPlan key={unit.id} unit={unit} />}</UnitPicker>
      <ExportLinks path="/api/training/export" what="training sets" />
    </Page>
  );
}

const RECENT_PAST = 10;

function UnitPlan({ unit }: { unit: Unit }) {
  const sessions = useApi('/api/training/sessions', { query: { unitId: unit.id } });
  const today = localNow(unit.timeZone).date;
  const own = (sessions.data?.sessions ?? []).filter((s) => s.unit.id === unit.id);
  const upcoming = own.filter((s) => s.planned.date >= today && s.status === 'planned');
  // The last few are what a trainer marks held or looks back at; the unit's full history is in the export.
  const past = own
    .filter((s) => !upcoming.includes(s))
    .reverse()
    .slice(0, RECENT_PAST);
  return (
    <div className="stack">
      <PlanForm unit={unit} onPlanned={sessions.reload} />
      <Async loaded={sessions}>
        {() => (
          <>
            <h2>Upcoming</h2>
            <SessionTable label="Upcoming sessions" sessions={upcoming} onChanged={sessions.reload} />
            <h2>Past and cancelled: the {RECENT_PAST} most recent</h2>
            <SessionTable label="Past and cancelled sessions" sessions={past} onChanged={sessions.reload} />
          </>
        )}
      </Async>
    </div>
  );
}

function PlanForm({ unit, onPlanned }: { unit: Unit; onPlanned: () => void }) {
  const [message, setMessage] = useState<Outcome>(null);
  const now = localNow(unit.timeZone);

  async function plan(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const minutes = String(data.get('minutes'));
    setMessage(
      await outcomeOf(async () => {
        const created = await api('post', '/api/training/sessions', {
          body: { unitId: unit.id, title: String(data.get('title')), date: String(data.get('date')), time: String(data.get('time')), plannedMinutes: minutes === '' ? null : Number(minutes) },
        });
        form.reset();
        onPlanned();
        return `Planned: ${created.title} on ${created.planned.date} at ${created.planned.time} (${created.planned.offset}).`;
      }),
    );
  }

  return (
    <form onSubmit={plan} className="card stack" aria-labelledby="plan-heading">
      <h2 id="plan-heading">Plan a session</h2>
      <p className="muted">Date and time are local to {unit.name}: {unit.timeZone}.</p>
      <div className="grid">
        <label>
          Title
          <input name="title" required maxLength={200} defaultValue="PT" />
        </label>
        <LocalDateTimeFields timeZone={unit.timeZone} date={now.date} time="07:00" timeLabel="Start time" />
        <label>
          Minutes
          <input type="number" name="minutes" min="0" max="1440" defaultValue="60" />
        </label>
      </div>
      <SubmitWithOutcome label="Plan the session" outcome={message} />
    </form>
  );
}

function SessionTable({ label, sessions, onChanged }: { label: string; sessions: TrainingSession[]; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  if (sessions.length === 0) return <p className="muted">None.</p>;

  async function mark(session: TrainingSession, status: 'held' | 'cancelled') {
    setError(null);
    // Held as planned: the actual start and minutes are the planned ones (edit them on the session's page).
    const body = status === 'held' ? { actualDate: session.planned.date, actualTime: session.planned.time, actualMinutes: session.planned.minutes } : { status };
    try {
      await api('patch', '/api/training/sessions/{id}', { path: { id: session.id }, body });
      onChanged();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <DataTable
        stacked
        label={label}
        columns={['Date', 'Time', 'Session', 'Minutes', 'Status', 'Actions']}
        rowKey={(i) => sessions[i].id}
        rows={sessions.map((s) => [
          s.planned.date,
          s.planned.time,
          <Link key="title" to={`/training/sessions/${s.id}`}>
            {s.title}
          </Link>,
          s.actual?.minutes ?? s.planned.minutes ?? '—',
          s.status,
          <span key="actions" className="actions">
            {s.status === 'planned' && (
              <>
                <button type="button" onClick={() => void mark(s, 'held')} aria-label={`Mark ${s.title} on ${s.planned.date} held`}>
                  Held
                </button>
                <button type="button" onClick={() => void mark(s, 'cancelled')} aria-label={`Cancel ${s.title} on ${s.planned.date}`}>
                  Cancel
                </button>
              </>
            )}
            {s.status !== 'cancelled' && (
              <Link to={`/training/log?unitId=${s.unit.id}&session=${s.id}`} aria-label={`Log sets of ${s.title} on ${s.planned.date}`}>
                Log sets
              </Link>
            )}
          </span>,
        ])}
      />
    </>
  );
}
