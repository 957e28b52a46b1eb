/**
 * Sets logged on the trainer's device wait in the outbox (src/app/outbox.ts) until the server has
 * them, so a dropped connection loses nothing. Sending is idempotent in effect: the server refuses
 * a second copy of a set (409, its natural key), which we report, never duplicate.
 */
import { useSyncExternalStore } from 'react';
import { api, type BodyOf } from '../api/client.ts';
import { createOutbox, type OutboxItem } from '../app/outbox.ts';

export type SetBody = BodyOf<'/api/training/sets', 'post'>;

export interface QueuedSet extends OutboxItem {
  /** person:session:exercise:set, the server's natural key. */
  key: string;
  body: SetBody;
  label: string;
}

/** Sets the server has taken in this page's life, by session: a session's page lists them as saved. */
const sentBySession = new Map<number, number>();
const sentListeners = new Set<() => void>();

const outbox = createOutbox<QueuedSet>('muster.training.outbox', async (item, signal) => {
  const answer = await api('post', '/api/training/sets', { body: item.body, signal });
  sentBySession.set(item.body.sessionId, (sentBySession.get(item.body.sessionId) ?? 0) + 1);
  for (const listener of sentListeners) listener();
  return answer;
});

function subscribeSent(listener: () => void): () => void {
  sentListeners.add(listener);
  return () => {
    sentListeners.delete(listener);
  };
}

/** How many sets of a session the server has taken since the page loaded. */
export const useSentCount = (sessionId: number) => useSyncExternalStore(subscribeSent, () => sentBySession.get(sessionId) ?? 0);

export const useOutbox = outbox.useItems;
export const enqueue = outbox.enqueue;
export const discardRefused = outbox.discardRefused;
export const flushOutbox = outbox.flush;
export const startOutbox = outbox.start;
