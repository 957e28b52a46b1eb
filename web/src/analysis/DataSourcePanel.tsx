import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { hasRole, useMe } from '../app/session.tsx';
import { Async, DataTable, ErrorMessage, formatInstant } from '../app/ui.tsx';
import { parseCsv, type CsvPreview } from './csv.ts';
import { useDatasets, type DatasetSummary } from './hooks.ts';

/** The data an analysis runs on: an uploaded file, a stored data set, or one derived from Muster's data. */
export interface DataSource {
  /** The file's or the data set's name. */
  label: string;
  text: string;
  preview: CsvPreview;
  /** A stored data set: analyses send its id instead of the text. */
  datasetId?: number;
  /** A trial's own data set, by the trial's code: analyses send the code, and the server builds it from the record. */
  trial?: string;
  /** The column holding a randomised arm: only a trial's own data set has one, and only then is a rule judged. */
  randomisedArm?: string;
  /** What its rows are, from whoever saved or derived it (e.g. which visit is the baseline). */
  description?: string;
}

const fromText = (label: string, text: string, about: Pick<DataSource, 'datasetId' | 'description' | 'trial' | 'randomisedArm'> = {}): DataSource => ({ label, text, preview: parseCsv(text), ...about });

/** Upload a CSV, or pick a stored or derived data set; save an upload for later. */
export function DataSourcePanel({ source, onSource }: { source: DataSource | null; onSource: (source: DataSource, fresh: boolean) => void }) {
  const me = useMe();
  const datasets = useDatasets();
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);

  async function take(load: () => Promise<DataSource>) {
    setError(null);
    setLoading(true);
    try {
      onSource(await load(), true);
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setLoading(false);
    }
  }
  const pick = (summary: DatasetSummary) =>
    take(async () => fromText(summary.name, (await api('get', '/api/analysis/datasets/{id}', { path: { id: summary.id } })).data, { datasetId: summary.id, description: summary.description }));
  async function archive(summary: DatasetSummary) {
    if (!window.confirm(`Archive ${summary.name}? It leaves this list for everyone; analyses that used it can still read it.`)) return;
    setError(null);
    try {
      await api('delete', '/api/analysis/datasets/{id}', { path: { id: summary.id } });
      datasets.reload();
    } catch (failure) {
      // Only whoever saved it or an investigator may: the server says so.
      setError(failure as Error);
    }
  }
  const pickTrial = (code: string) =>
    take(async () => {
      const dataset = await api('get', '/api/analysis/trials/{code}', { path: { code } });
      return fromText(dataset.name, dataset.data, { trial: code, randomisedArm: dataset.randomisedArm, description: dataset.description });
    });
  const derive = () => take(async () => {
    const derived = await api('get', '/api/analysis/derived/physique-by-visit');
    return fromText(derived.name, derived.data, { description: derived.description });
  });

  return (
    <section className="card stack" aria-labelledby="data-heading">
      <h2 id="data-heading">Data set</h2>
      <label>
        Upload a long-format CSV (one row per subject and visit)
        <input type="file" accept=".csv,text/csv" onChange={(e) => { const file = e.target.files?.[0]; if (file) void take(async () => fromText(file.name, await file.text())); }} />
      </label>
      <Async loaded={datasets}>
        {({ trials }) =>
          trials.length > 0 && (
            <>
              <h3>Or a trial&rsquo;s own data set (its randomised arms)</h3>
              <ul className="stack">
                {trials.map((t) => (
                  <li key={t.code}>
                    <button type="button" onClick={() => void pickTrial(t.code)} disabled={loading}>
                      Use {t.code}
                    </button>{' '}
                    <span className="muted">{t.title}: built now from the record as the protocol says, one row per participant and visit (each read is logged)</span>
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </Async>
      <h3>Or pick a stored data set</h3>
      <Async loaded={datasets}>
        {({ datasets: list }) =>
          list.length === 0 ? (
            <p className="muted">No stored data sets yet: upload one and save it.</p>
          ) : (
            <DataTable
              label="Stored data sets"
              columns={['Data set (pick one)', 'Rows', 'Saved by', 'Saved', 'Archive']}
              rowKey={(i) => list[i].id}
              // The button comes first so a phone shows it without scrolling the table sideways.
              rows={list.map((d) => [
                <>
                  <button type="button" onClick={() => void pick(d)} disabled={loading} aria-label={`Use ${d.name}`}>
                    {d.name}
                  </button>
                  {d.description && <br />}
                  {d.description && <span className="muted">{d.description}</span>}
                </>,
                d.rowCount,
                d.createdBy,
                formatInstant(d.createdAt),
                <button type="button" onClick={() => void archive(d)} aria-label={`Archive ${d.name}`}>
                  Archive
                </button>,
              ])}
            />
          )
        }
      </Async>
      {(hasRole(me, 'investigator') || hasRole(me, 'statistician')) && (
        <p>
          <button type="button" onClick={() => void derive()} disabled={loading}>
            Use physique measurements by visit
          </button>{' '}
          <span className="muted">built now from every participant's physique visits, each person's first visit as the baseline (each read is logged)</span>
        </p>
      )}
      {loading && <p className="muted">Loading the data…</p>}
      {error && <ErrorMessage error={error} />}
      {source && (
        <p role="status">
          Using <strong>{source.label}</strong>
          {source.datasetId !== undefined ? ' (stored)' : ''}
          {source.randomisedArm !== undefined ? `; its ${source.randomisedArm} column is the randomised arm` : ''}.
          {source.description && (
            <>
              <br />
              <span className="muted">{source.description}</span>
            </>
          )}
        </p>
      )}
      {/* A trial's data set is built from the record whenever it is analysed: a saved copy would be a frozen one without its randomised arm. */}
      {source && source.datasetId === undefined && source.trial === undefined && (
        <SaveDataSet
          key={source.label}
          source={source}
          onSaved={(saved) => {
            datasets.reload();
            onSource({ ...source, label: saved.name, datasetId: saved.id, description: saved.description }, false);
          }}
        />
      )}
    </section>
  );
}

function SaveDataSet({ source, onSaved }: { source: DataSource; onSaved: (saved: DatasetSummary) => void }) {
  const [name, setName] = useState(source.label.replace(/\.csv$/i, ''));
  // A derived data set's description says how its rows were made: it stays with the saved copy.
  const [description, setDescription] = useState(source.description ?? '');
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      onSaved(await api('post', '/api/analysis/datasets', { body: { name, description, data: source.text } }));
    } catch (failure) {
      setError(failure as Error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={save} className="stack" aria-labelledby="save-heading">
      <h3 id="save-heading">Save this data set</h3>
      <div className="grid">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
        </label>
        <label>
          Description (optional)
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />
        </label>
      </div>
      {error && <ErrorMessage error={error} />}
      <div>
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save this data set'}
        </button>
      </div>
    </form>
  );
}
