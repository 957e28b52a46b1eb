import { useState } from 'react';
import { api } from '../api/client.ts';
import { Async, Page } from '../app/ui.tsx';
import { AppointmentTable } from './AppointmentTable.tsx';
import { EmailSetting } from './EmailSetting.tsx';
import { useAppointmentsAround } from './hooks.ts';
import { StepButton } from './StepButton.tsx';

/** The participant's appointments, to acknowledge once a summons has come down through their trainer, and their private calendar feed. */
export function MyAppointmentsPage() {
  const appointments = useAppointmentsAround(31);
  return (
    <Page title="My appointments">
      <Async loaded={appointments}>
        {({ appointments: list }) => (
          <AppointmentTable
            label="My appointments"
            list={list}
            showPerson={false}
            action={{
              heading: 'Answer',
              cell: (a) => (a.status === 'relayed' ? <StepButton id={a.id} step="acknowledge" label={`Acknowledge ${a.title}`} onDone={appointments.reload} /> : '—'),
            }}
          />
        )}
      </Async>
      <div className="columns">
        <CalendarFeed />
        <EmailSetting />
      </div>
    </Page>
  );
}

/** Subscribe a phone or desktop calendar: a private URL, shown once, which anyone holding it can read; revoke it when lost. */
function CalendarFeed() {
  const [url, setUrl] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  async function run(action: () => Promise<string>) {
    try {
      setMessage({ ok: true, text: await action() });
    } catch (failure) {
      setMessage({ ok: false, text: (failure as Error).message });
    }
  }
  const create = () =>
    run(async () => {
      setUrl((await api('post', '/api/me/calendar-feed')).url);
      return 'Your feed is ready: add it to your calendar as a subscription. Any earlier feed no longer works.';
    });
  const copy = () =>
    run(async () => {
      await navigator.clipboard.writeText(url!);
      return 'Copied.';
    });
  const revoke = () =>
    run(async () => {
      await api('delete', '/api/me/calendar-feed');
      setUrl(null);
      return 'Your feed is revoked: calendars subscribed to it get nothing more.';
    });
  return (
    <section aria-labelledby="feed" className="card stack">
      <h2 id="feed">Calendar feed</h2>
      <p className="muted">A private address for your phone's or computer's calendar. Keep it to yourself: whoever has it sees your appointments.</p>
      {url && (
        <label>
          Your feed's address
          <input readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
        </label>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={create}>
          {url ? 'Make a new address' : 'Subscribe'}
        </button>
        {url && (
          <button type="button" onClick={copy}>
            Copy
          </button>
        )}
        <button type="button" onClick={revoke}>
          Revoke
        </button>
      </div>
      {message && (
        <p role={message.ok ? undefined : 'alert'} className={message.ok ? 'success' : 'error'} aria-live="polite">
          {message.text}
        </p>
      )}
    </section>
  );
}
