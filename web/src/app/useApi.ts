import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type CallOptions, type PathWith, type ResponseOf } from '../api/client.ts';
import type { ApiPaths } from '../api/paths.gen.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/**
 * GETs a route and keeps the answer; refetches when the path or options change. `null` skips
 * the request (e.g. until a choice is made).
 */
export function useApi<P extends PathWith<'get'>>(path: P | null, options?: CallOptions<ApiPaths[P]['get']>): Loaded<ResponseOf<P>> {
  const key = path === null ? null : `${path} ${JSON.stringify(options ?? {})}`;
  const [state, setState] = useState<{ key: string | null; data?: ResponseOf<P>; error?: Error }>({ key: null });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (key === null || path === null) return;
    const controller = new AbortController();
    const call = api as (method: 'get', path: string, options: object) => Promise<ResponseOf<P>>;
    call('get', path, { ...JSON.parse(key.slice(path.length + 1)), signal: controller.signal }).then(
      (data) => setState({ key, data }),
      (error: Error) => {
        if (controller.signal.aborted) return;
        setState({ key, error: error instanceof ApiError ? error : new Error('The server cannot be reached (offline?); this screen loads again when the connection is back.') });
        // Not an answer from the server: the network. Ask again once the browser is back online.
        if (!(error instanceof ApiError)) window.addEventListener('online', () => setGeneration((g) => g + 1), { once: true, signal: controller.signal });
      },
    );
    return () => controller.abort();
    // `key` carries path and options; generation asks for a reload.
  }, [key, path, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: key !== null && !current, reload };
}
