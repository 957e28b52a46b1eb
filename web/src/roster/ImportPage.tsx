import { useState, type FormEvent } from 'react';
import type { RowProblem } from '../../../src/shared/csv.ts';
import { api, ApiError, type ResponseOf } from '../api/client.ts';
import { DataTable, Page } from '../app/ui.tsx';

type Outcome = { kind: 'done'; summary: ResponseOf<'/api/roster/import', 'post'> } | { kind: 'rejected'; message: string; problems: RowProblem[] };

/** Roster import: all rows or none; a refusal lists every problem by line and column. */
export function ImportPage() {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get('file');
    if (!(file instanceof File) || file.size === 0) return;
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ kind: 'done', summary: await api('post', '/api/roster/import', { body: await file.text() }) });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setOutcome({ kind: 'rejected', message: error.message.split('\n')[0], problems: Array.isArray(error.problems) ? (error.problems as RowProblem[]) : [] });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title="Import the roster">
      <p>
        A CSV with the columns <code>designation,name,rank,unit,role</code> and optionally <code>status,date_of_birth,sex</code>. Every row is checked
        first; if any is wrong nothing is imported.
      </p>
      <form onSubmit={submit} className="card stack">
        <label>
          Roster CSV file
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </form>
      <div aria-live="polite" className="outcome">
        {outcome?.kind === 'done' && (
          <p className="success">
            Imported: {outcome.summary.created} created, {outcome.summary.updated} updated, {outcome.summary.unchanged} unchanged.
          </p>
        )}
        {outcome?.kind === 'rejected' && <Problems message={outcome.message} problems={outcome.problems} />}
      </div>
    </Page>
  );
}

function Problems({ message, problems }: { message: string; problems: RowProblem[] }) {
  return (
    <section aria-labelledby="problems-heading">
      <h2 id="problems-heading" className="error">
        {message}
      </h2>
      {problems.length > 0 && (
        <DataTable label="Import problems" columns={['Line', 'Column', 'Reason']} rows={problems.map((problem) => [String(problem.line), problem.column, problem.reason])} />
      )}
    </section>
  );
}
