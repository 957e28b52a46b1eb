/**
 * Sets logged on the trainer's device wait here until the server has them, so a dropped
 * connection loses nothing: the queue lives in localStorage (it survives a reload or a closed
 * tab) and is sent in order whenever the browser is online. Sending is idempotent in effect: the
 * server refuses a second copy of a set (409, its natural key), which we report, never duplicate.
 */
import { useSyncExternalStore } from 'react';
import { api, ApiError, type BodyOf } from '../api/client.ts';

export type SetBody = BodyOf<'/api/training/sets', 'post'>;

export interface QueuedSet {
  /** person:session:exercise:set, the server's natural key. */
  key: string;
  body: SetBody;
  label: string;
  /** Why the server refused it, once it has. */
  refused?: string;
}

const STORAGE_KEY = 'muster.training.outbox';
const listeners = new Set<() => void>();
let cache: { raw: string | null; items: QueuedSet[] } = { raw: null, items: [] };

function read(): QueuedSet[] {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw !== cache.raw) cache = { raw, items: raw ? (JSON.parse(raw) as QueuedSet[]) : [] };
  return cache.items;
}

function write(items: QueuedSet[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(items));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

export const useOutbox = () => useSyncExternalStore(subscribe, read);

/** Queues sets; a set already waiting under the same key is replaced by the newer entry. */
export function enqueue(sets: QueuedSet[]): void {
  const keys = new Set(sets.map((s) => s.key));
  write([...read().filter((item) => !keys.has(item.key)), ...sets]);
}

export function discardRefused(): void {
  write(read().filter((item) => !item.refused));
}

let sending: Promise<void> | null = null;
/** A request on a dead connection can hang rather than fail; give up on it and retry later. */
const SEND_TIMEOUT_MS = 8000;

/** Sends what waits, oldest first; stops at the first network failure and keeps the rest. */
export function flushOutbox(): Promise<void> {
  // `.finally` runs after the assignment, so a flush with nothing to send cannot leave `sending` set.
  sending ??= send().finally(() => {
    sending = null;
  });
  return sending;
}

async function send(): Promise<void> {
  for (const item of read().filter((i) => !i.refused)) {
    try {
      await api('post', '/api/training/sets', { body: item.body, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
      write(read().filter((i) => i.key !== item.key));
    } catch (error) {
      if (!(error instanceof ApiError)) return; // offline, timed out or unreachable: try again later
      write(read().map((i) => (i.key === item.key ? { ...i, refused: error.message } : i)));
    }
  }
}

/** How often to retry while sets wait: a dropped connection often goes unnoticed by the browser's online flag. */
const RETRY_MS = 3000;

/** Sends the queue at start (a reload after logging offline), when the browser is back online, and every few seconds while sets wait. */
export function startOutbox(): () => void {
  const flush = () => void flushOutbox();
  const retry = () => {
    if (read().some((item) => !item.refused)) flush();
  };
  window.addEventListener('online', flush);
  const timer = window.setInterval(retry, RETRY_MS);
  flush();
  return () => {
    window.removeEventListener('online', flush);
    window.clearInterval(timer);
  };
}
