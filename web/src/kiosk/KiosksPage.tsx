/** The admin's kiosks: add one at a location (its token shown once), see them all, revoke one. */
import { useState, type FormEvent } from 'react';
import { api, ApiError, type ResponseOf } from '../api/client.ts';
import { Async, DataTable, Page } from '../app/ui.tsx';
import { useApi } from '../app/useApi.ts';

type Added = ResponseOf<'/api/kiosks', 'post'>;

export function KiosksPage() {
  const loaded = useApi('/api/kiosks');
  const [location, setLocation] = useState('');
  const [name, setName] = useState('');
  const [added, setAdded] = useState<Added | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function add(event: FormEvent) {
    event.preventDefault();
    try {
      setAdded(await api('post', '/api/kiosks', { body: { location, ...(name.trim() ? { name: name.trim() } : {}) } }));
      setProblem(null);
      loaded.reload();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'The server cannot be reached.');
    }
  }

  async function revoke(id: number) {
    try {
      await api('delete', '/api/kiosks/{id}', { path: { id } });
      loaded.reload();
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : 'The server cannot be reached.');
    }
  }

  return (
    <Page title="Kiosks">
      <Async loaded={loaded}>
        {({ kiosks, locations }) => (
          <div className="stack">
            <form className="card stack" onSubmit={(event) => void add(event)}>
              <h2>Add a kiosk</h2>
              <label>
                Location
                <select value={location} onChange={(e) => setLocation(e.target.value)} required>
                  <option value="">Choose…</option>
                  {locations.map((l) => (
                    <option key={l.id} value={l.name}>
                      {l.name} ({l.timeZone})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Name (optional)
                <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
              </label>
              <button type="submit">Add the kiosk</button>
              {problem && (
                <p role="alert" className="error">
                  {problem}
                </p>
              )}
              {added && (
                <p role="status" className="success">
                  {added.name} added. Its token, shown only now: open /kiosk on the device and enter <code>{added.token}</code>
                </p>
              )}
            </form>
            <DataTable
              label="Kiosks"
              columns={['Kiosk', 'Location', 'Added', 'Status', '']}
              rowKey={(i) => kiosks[i].id}
              rows={kiosks.map((k) => [
                k.name,
                k.location.name,
                k.createdAt.slice(0, 10),
                k.revokedAt ? `revoked ${k.revokedAt.slice(0, 10)}` : 'active',
                k.revokedAt ? '' : (
                  <button key="revoke" type="button" onClick={() => void revoke(k.id)}>
                    Revoke {k.name}
                  </button>
                ),
              ])}
            />
          </div>
        )}
      </Async>
    </Page>
  );
}
