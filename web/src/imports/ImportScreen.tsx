import { useState, type FormEvent, type ReactNode } from 'react';
import type { RowProblem } from '../../../src/shared/csv.ts';
import { ApiError, uploadCsv, type PathWith, type ResponseOf, type UploadProgress } from '../api/client.ts';
import { DataTable, Facts, Page } from '../app/ui.tsx';

/** The CSV import routes; each answers with its summary or every bad row (src/server/csv-body.ts). */
export type ImportPath = Extract<PathWith<'post'>, '/api/roster/import' | '/api/training/import' | '/api/wellness/import' | '/api/assessments/import'>;

export interface ImportScreenProps<P extends ImportPath> {
  title: string;
  path: P;
  /** What the file holds, for the file input's label, e.g. "Roster CSV file". */
  fileLabel: string;
  /** The columns the import reads, in template order, then those it also accepts. */
  columns: readonly string[];
  optionalColumns?: readonly string[];
  /** What else to know about the file (shown under the columns). */
  about: ReactNode;
  /** Example rows for the downloadable template (whose header is the columns), and its file name. */
  template: { fileName: string; rows: readonly (readonly string[])[] };
  /** Extra inputs whose values go in the query (e.g. training's `designation` for a Strong export). */
  fields?: ReactNode;
  queryOf?: (form: FormData) => Record<string, string | undefined>;
  /** The summary's counts, label and number. */
  summaryOf: (summary: ResponseOf<P, 'post'>) => [string, number][];
}

type Outcome<P extends ImportPath> = { kind: 'done'; summary: ResponseOf<P, 'post'> } | { kind: 'rejected'; message: string; problems: RowProblem[] };

/** An import screen: columns and template, the file, progress while it uploads and while the server works, then the summary or every bad row. */
export function ImportScreen<P extends ImportPath>({ title, path, fileLabel, columns, optionalColumns = [], about, template, fields, queryOf, summaryOf }: ImportScreenProps<P>) {
  const [outcome, setOutcome] = useState<Outcome<P> | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) return;
    setOutcome(null);
    setProgress({ stage: 'uploading', sent: 0, total: file.size });
    try {
      setOutcome({ kind: 'done', summary: await uploadCsv(path, file, { query: queryOf?.(form), onProgress: setProgress }) });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setOutcome({ kind: 'rejected', message: error.message.split('\n')[0], problems: Array.isArray(error.problems) ? (error.problems as RowProblem[]) : [] });
    } finally {
      setProgress(null);
    }
  }

  return (
    <Page title={title}>
      <p>
        Columns: <ColumnList names={columns} />
        {optionalColumns.length > 0 && (
          <>
            ; optionally <ColumnList names={optionalColumns} />
          </>
        )}
        .
      </p>
      {about}
      <p>
        Every row is checked first; if any is wrong nothing is imported, and every problem is listed.{' '}
        <a href={`data:text/csv;charset=utf-8,${encodeURIComponent(templateCsv([...columns, ...optionalColumns], template.rows))}`} download={template.fileName}>
          Download a template with an example
        </a>
      </p>
      <form onSubmit={submit} className="card stack">
        <label>
          {fileLabel}
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        {fields}
        <button type="submit" className="primary" disabled={progress !== null}>
          {progress ? 'Importing…' : 'Import'}
        </button>
      </form>
      <div aria-live="polite" className="outcome">
        {progress && <ProgressReport progress={progress} />}
        {outcome?.kind === 'done' && (
          <section aria-labelledby="summary-heading">
            <h2 id="summary-heading" className="success">
              Imported
            </h2>
            <Facts items={summaryOf(outcome.summary).map(([label, count]) => [label, count.toLocaleString()])} />
          </section>
        )}
        {outcome?.kind === 'rejected' && <Problems message={outcome.message} problems={outcome.problems} />}
      </div>
    </Page>
  );
}

/** Column names one by one, so a long list wraps on a phone. */
function ColumnList({ names }: { names: readonly string[] }) {
  return names.map((name, i) => (
    <span key={name}>
      {i > 0 && ', '}
      <code>{name}</code>
    </span>
  ));
}

const templateCsv = (header: readonly string[], rows: readonly (readonly string[])[]) => [header, ...rows].map((row) => `${row.join(',')}\n`).join('');

/**
 * One bar for the whole import: the share of the file uploaded, then of the file the server has read,
 * with the rows it has checked and written so far, then the stored-data checks and the rest of the write.
 */
function ProgressReport({ progress }: { progress: UploadProgress }) {
  const rows = (n: number) => `${n.toLocaleString()} row${n === 1 ? '' : 's'}`;
  const [label, done, total] =
    progress.stage === 'uploading'
      ? ['Uploading', progress.sent, progress.total]
      : progress.stage === 'checking'
        ? [`Checking: ${rows(progress.checked)} checked, ${progress.written.toLocaleString()} written`, progress.read, progress.total]
        : [`All ${rows(progress.checked)} checked, ${progress.written.toLocaleString()} written; checking against stored records and saving`, undefined, undefined];
  const percent = done !== undefined && total ? Math.round((done / total) * 100) : undefined;
  return (
    <p className="progress">
      <label>
        {label}
        {percent !== undefined && ` (${percent}% of the file)`}…
        <progress max={100} value={percent} />
      </label>
    </p>
  );
}

function Problems({ message, problems }: { message: string; problems: RowProblem[] }) {
  return (
    <section aria-labelledby="problems-heading">
      <h2 id="problems-heading" className="error">
        {message}
      </h2>
      {problems.length > 0 && (
        // Stacked: on a phone each problem is a block and its reason wraps, never cut off (issue 15).
        <DataTable stacked label="Import problems" columns={['Line', 'Column', 'Reason']} rows={problems.map((problem) => [String(problem.line), problem.column, problem.reason])} />
      )}
    </section>
  );
}
