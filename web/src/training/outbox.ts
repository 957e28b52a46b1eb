/**
 * Sets logged on the trainer's device wait in the outbox (src/app/outbox.ts) until the server has
 * them, so a dropped connection loses nothing. Sending is idempotent in effect: the server refuses
 * a second copy of a set (409, its natural key), which we report, never duplicate.
 */
import { api, type BodyOf } from '../api/client.ts';
import { createOutbox, type OutboxItem } from '../app/outbox.ts';

export type SetBody = BodyOf<'/api/training/sets', 'post'>;

export interface QueuedSet extends OutboxItem {
  /** person:session:exercise:set, the server's natural key. */
  key: string;
  body: SetBody;
  label: string;
}

const outbox = createOutbox<QueuedSet>('muster.training.outbox', (item, signal) => api('post', '/api/training/sets', { body: item.body, signal }));

export const useOutbox = outbox.useItems;
export const enqueue = outbox.enqueue;
export const discardRefused = outbox.discardRefused;
export const flushOutbox = outbox.flush;
export const startOutbox = outbox.start;
