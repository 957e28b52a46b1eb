/**
 * A queue on the device for writes that must not be lost when the network drops (a trainer's
 * sets, a kiosk's check-ins): it lives in localStorage (it survives a reload or a closed tab) and
 * is sent in order whenever the browser is online. Each item carries a key the server knows it by
 * (a natural key, or an idempotency key), so sending one twice cannot count it twice. A refusal
 * from the server is kept on the item and shown, never retried; a network failure stops the
 * sending until the next try.
 */
import { useSyncExternalStore } from 'react';
import { ApiError } from '../api/client.ts';

export interface OutboxItem {
  key: string;
  /** Why the server refused it, once it has. */
  refused?: string;
}

export interface Outbox<T extends OutboxItem> {
  useItems(): T[];
  /** Queues items; one already waiting under the same key is replaced by the newer entry. */
  enqueue(items: T[]): void;
  discardRefused(): void;
  /** Sends what waits, oldest first; stops at the first network failure and keeps the rest. */
  flush(): Promise<void>;
  /** Sends at start (a reload after working offline), when the browser is back online, and every few seconds while items wait. */
  start(): () => void;
}

/** A request on a dead connection can hang rather than fail; give up on it and retry later. */
const SEND_TIMEOUT_MS = 8000;
/** How often to retry while items wait: a dropped connection often goes unnoticed by the browser's online flag. */
const RETRY_MS = 3000;

export function createOutbox<T extends OutboxItem>(storageKey: string, send: (item: T, signal: AbortSignal) => Promise<unknown>): Outbox<T> {
  const listeners = new Set<() => void>();
  let cache: { raw: string | null; items: T[] } = { raw: null, items: [] };

  function read(): T[] {
    const raw = localStorage.getItem(storageKey);
    if (raw !== cache.raw) cache = { raw, items: raw ? (JSON.parse(raw) as T[]) : [] };
    return cache.items;
  }

  function write(items: T[]): void {
    localStorage.setItem(storageKey, JSON.stringify(items));
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

  async function sendWaiting(): Promise<void> {
    for (const item of read().filter((i) => !i.refused)) {
      try {
        await send(item, AbortSignal.timeout(SEND_TIMEOUT_MS));
        write(read().filter((i) => i.key !== item.key));
      } catch (error) {
        if (!(error instanceof ApiError)) return; // offline, timed out or unreachable: try again later
        write(read().map((i) => (i.key === item.key ? { ...i, refused: error.message } : i)));
      }
    }
  }

  let sending: Promise<void> | null = null;
  const flush = (): Promise<void> => {
    // `.finally` runs after the assignment, so a flush with nothing to send cannot leave `sending` set.
    sending ??= sendWaiting().finally(() => {
      sending = null;
    });
    return sending;
  };

  return {
    useItems: () => useSyncExternalStore(subscribe, read),
    enqueue(items) {
      const keys = new Set(items.map((i) => i.key));
      write([...read().filter((item) => !keys.has(item.key)), ...items]);
    },
    discardRefused() {
      write(read().filter((item) => !item.refused));
    },
    flush,
    start() {
      const onOnline = () => void flush();
      const retry = () => {
        if (read().some((item) => !item.refused)) void flush();
      };
      window.addEventListener('online', onOnline);
      const timer = window.setInterval(retry, RETRY_MS);
      void flush();
      return () => {
        window.removeEventListener('online', onOnline);
        window.clearInterval(timer);
      };
    },
  };
}
