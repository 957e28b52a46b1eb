/**
 * The kiosk at the door: a full-screen page for a shared device with a badge scanner that types
 * like a keyboard (the input keeps the focus; Enter checks in). It signs in once with the kiosk's
 * token, kept on the device, and shows only what a shared screen may: the name, the appointment
 * and where to go. Offline, scans wait on the device and are sent when the connection is back.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, type ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { bearer, checkInOutbox, kioskToken, sendCheckIn, type CheckInAnswer } from './outbox.ts';
import './kiosk.css';

type KioskInfo = ResponseOf<'/api/kiosk'>;

const INFO_KEY = 'muster.kiosk.info';
/** Where this kiosk stands, kept so that a reload while offline still opens the desk. */
const knownKiosk = {
  get: (): KioskInfo | undefined => JSON.parse(localStorage.getItem(INFO_KEY) ?? 'null') ?? undefined,
  set: (info: KioskInfo) => localStorage.setItem(INFO_KEY, JSON.stringify(info)),
};

export function KioskPage() {
  const [token, setToken] = useState(() => kioskToken.get());
  const loaded = useApi(token ? '/api/kiosk' : null, token ? { headers: bearer(token) } : undefined);
  const offline = loaded.error !== undefined && !(loaded.error instanceof ApiError);
  const kiosk = loaded.data ?? (offline ? knownKiosk.get() : undefined);
  const problem = loaded.error instanceof ApiError ? (loaded.error.status === 401 ? 'That kiosk token is not valid, or the kiosk was revoked.' : loaded.error.message) : offline && !kiosk ? 'The server cannot be reached; check the connection.' : null;

  useEffect(() => {
    document.title = 'Kiosk · Muster';
  }, []);
  useEffect(() => {
    if (loaded.data) knownKiosk.set(loaded.data);
  }, [loaded.data]);

  let content;
  if (token && kiosk) content = <CheckInDesk kiosk={kiosk} />;
  else if (token && loaded.loading) content = <p className="kiosk-status">Starting…</p>;
  else
    content = (
      <KioskSignIn
        problem={problem}
        onToken={(entered) => {
          kioskToken.set(entered);
          setToken(entered);
        }}
      />
    );
  return <main className="kiosk">{content}</main>;
}

function KioskSignIn({ onToken, problem }: { onToken: (token: string) => void; problem: string | null }) {
  const [token, setToken] = useState('');
  return (
    <form
      className="kiosk-panel"
      onSubmit={(event) => {
        event.preventDefault();
        onToken(token.trim());
      }}
    >
      <h1>Set up this kiosk</h1>
      <label htmlFor="kiosk-token">Kiosk token</label>
      <input id="kiosk-token" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" spellCheck={false} required />
      <button type="submit">Start the kiosk</button>
      {problem && (
        <p role="alert" className="kiosk-refused">
          {problem}
        </p>
      )}
      <p className="kiosk-hint">An admin adds a kiosk with `muster kiosk add --location NAME` or on the Kiosks screen, which shows its token once.</p>
    </form>
  );
}

type Shown = { kind: 'checked-in'; answer: CheckInAnswer } | { kind: 'queued'; at: string } | { kind: 'refused'; message: string };

/** Minutes early or late, as the person reads it. */
function punctualityText(answer: CheckInAnswer): string {
  const minutes = Math.abs(Math.round(answer.checkIn.minutesLate));
  if (answer.checkIn.punctuality === 'on-time') return 'On time';
  return `${minutes} min ${answer.checkIn.punctuality === 'late' ? 'late' : 'early'}`;
}

function CheckInDesk({ kiosk }: { kiosk: KioskInfo }) {
  const input = useRef<HTMLInputElement>(null);
  const [badge, setBadge] = useState('');
  const [shown, setShown] = useState<Shown | null>(null);
  const queued = checkInOutbox.useItems();
  const waiting = queued.filter((item) => !item.refused);
  const refused = queued.filter((item) => item.refused);

  useEffect(() => checkInOutbox.start(), []);
  // The scanner types into whatever has the focus: keep it on the badge field.
  useEffect(() => {
    const refocus = () => input.current?.focus();
    refocus();
    window.addEventListener('click', refocus);
    return () => window.removeEventListener('click', refocus);
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const scanned = badge.trim();
    setBadge('');
    if (!scanned) return;
    const body = { badge: scanned, idempotencyKey: crypto.randomUUID(), at: new Date().toISOString() };
    // Scans already waiting go first, so the server hears arrivals in order.
    if (waiting.length > 0) {
      checkInOutbox.enqueue([{ key: body.idempotencyKey, body }]);
      setShown({ kind: 'queued', at: body.at });
      void checkInOutbox.flush();
      return;
    }
    try {
      setShown({ kind: 'checked-in', answer: await sendCheckIn(body, AbortSignal.timeout(8000)) });
    } catch (error) {
      if (error instanceof ApiError) setShown({ kind: 'refused', message: error.message });
      else {
        checkInOutbox.enqueue([{ key: body.idempotencyKey, body }]);
        setShown({ kind: 'queued', at: body.at });
      }
    }
  }

  return (
    <div className="kiosk-panel">
      <p className="kiosk-place">
        {kiosk.location.name} <span>· {kiosk.name}</span>
      </p>
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="kiosk-badge">Scan your badge</label>
        <input id="kiosk-badge" ref={input} value={badge} onChange={(e) => setBadge(e.target.value)} autoComplete="off" spellCheck={false} autoFocus />
        <button type="submit">Check in</button>
      </form>
      <div aria-live="assertive" className="kiosk-answer">
        {shown?.kind === 'checked-in' && (
          <div className="kiosk-welcome">
            <p className="kiosk-name">{shown.answer.person.name}</p>
            <p>
              {shown.answer.appointment.what} at {shown.answer.appointment.localTime} · <strong>{punctualityText(shown.answer)}</strong>
            </p>
            <p className="kiosk-where">
              Go to {shown.answer.location.name}: {shown.answer.location.directions}
            </p>
          </div>
        )}
        {shown?.kind === 'queued' && (
          <p className="kiosk-queued">Your arrival at {new Date(shown.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })} is saved on this kiosk and will be sent when the connection is back.</p>
        )}
        {shown?.kind === 'refused' && <p className="kiosk-refused">{shown.message}</p>}
      </div>
      <p className="kiosk-status" aria-live="polite">
        {waiting.length === 0 ? 'All check-ins are sent.' : `${waiting.length} ${waiting.length === 1 ? 'check-in waits' : 'check-ins wait'} to be sent.`}
        {refused.length > 0 && (
          <>
            {' '}
            {refused.length} refused ({refused.map((item) => `${item.body.badge}: ${item.refused}`).join('; ')}).{' '}
            <button type="button" onClick={checkInOutbox.discardRefused}>
              Clear
            </button>
          </>
        )}
      </p>
    </div>
  );
}
