import { discardRefused, flushOutbox, useOutbox } from './outbox.ts';

/** What is still on this device, and what the server refused (with its reason). */
export function OutboxStatus() {
  const items = useOutbox();
  const waiting = items.filter((i) => !i.refused);
  const refused = items.filter((i) => i.refused);
  return (
    <div className="card stack" aria-live="polite">
      {waiting.length === 0 ? (
        <p className="success">All logged sets are saved on the server.</p>
      ) : (
        <p>
          <strong>{waiting.length}</strong> {waiting.length === 1 ? 'set is' : 'sets are'} saved on this device and will be sent when the connection is back.{' '}
          <button type="button" onClick={() => void flushOutbox()}>
            Send now
          </button>
        </p>
      )}
      {refused.length > 0 && (
        <div role="alert">
          <p className="error">The server refused {refused.length}:</p>
          <ul>
            {refused.map((item) => (
              <li key={item.key}>
                {item.label}: {item.refused}
              </li>
            ))}
          </ul>
          <button type="button" onClick={discardRefused}>
            Clear the refused sets
          </button>
        </div>
      )}
    </div>
  );
}
