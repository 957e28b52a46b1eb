/**
 * Check-ins scanned at the kiosk wait on the device (src/app/outbox.ts) until the server has
 * them: each carries its idempotency key and the moment of the scan (`at`), so one sent after an
 * outage is counted once, by when the person arrived.
 */
import { api, type BodyOf, type ResponseOf } from '../api/client.ts';
import { createOutbox, type OutboxItem } from '../app/outbox.ts';

export type CheckInBody = BodyOf<'/api/kiosk/check-ins', 'post'>;
export type CheckInAnswer = ResponseOf<'/api/kiosk/check-ins', 'post'>;

export interface QueuedCheckIn extends OutboxItem {
  /** The idempotency key. */
  key: string;
  body: CheckInBody;
}

const TOKEN_KEY = 'muster.kiosk.token';

/** The kiosk's token, entered once and kept on the device. */
export const kioskToken = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (token: string) => localStorage.setItem(TOKEN_KEY, token),
};

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function sendCheckIn(body: CheckInBody, signal?: AbortSignal): Promise<CheckInAnswer> {
  return api('post', '/api/kiosk/check-ins', { body, signal, headers: bearer(kioskToken.get() ?? '') });
}

export const checkInOutbox = createOutbox<QueuedCheckIn>('muster.kiosk.outbox', (item, signal) => sendCheckIn(item.body, signal));
