/** The building blocks every screen uses: a page with its heading, loading and error states, tables. */
import { useEffect, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import type { Loaded } from './useApi.ts';

/** A screen: sets the document title and moves focus to the heading, so screen readers announce the new page. */
export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Muster`;
    heading.current?.focus();
  }, [title]);
  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </>
  );
}

export function ErrorMessage({ error }: { error: Error }) {
  const text = error instanceof ApiError && error.status === 404 ? 'Not found, or not yours to see.' : error.message;
  return (
    <p role="alert" className="error">
      {text}
    </p>
  );
}

/** Renders the loaded data, or says it is loading or what went wrong. */
export function Async<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  if (loaded.error) return <ErrorMessage error={loaded.error} />;
  if (loaded.data === undefined)
    return (
      <p className="muted" aria-live="polite">
        Loading…
      </p>
    );
  return <>{children(loaded.data)}</>;
}

/** A table that scrolls sideways on narrow screens; focusable so the keyboard can scroll it. */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

/** Labelled values, e.g. a record's fields: a definition list laid out as two columns. */
export function Facts({ items, className }: { items: readonly (readonly [string, ReactNode])[]; className?: string }) {
  return (
    <dl className={className ? `facts ${className}` : 'facts'}>
      {items.map(([label, value]) => (
        <div key={label} className="fact">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A table of rows under column headings, in a TableScroll; numbers align right. The label names
 * the scroll region for screen readers. `stacked`: on a phone each row is a block of its values,
 * each under its column's name, for a log whose every column matters and would not fit side by side.
 */
export function DataTable({ label, columns, rows, rowKey, stacked = false }: { label: string; columns: readonly string[]; rows: readonly (readonly ReactNode[])[]; rowKey?: (index: number) => string | number; stacked?: boolean }) {
  // A table whose rows and cells are displayed as blocks loses its table semantics in some browsers'
  // accessibility trees (Safari's); stated roles keep it a table for screen readers on a phone.
  const role = (name: string) => (stacked ? name : undefined);
  return (
    <TableScroll label={label}>
      <table className={stacked ? 'stacked' : undefined} role={role('table')}>
        <thead role={role('rowgroup')}>
          <tr role={role('row')}>
            {columns.map((column) => (
              <th key={column} scope="col" role={role('columnheader')}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role={role('rowgroup')}>
          {rows.map((row, i) => (
            <tr key={rowKey ? rowKey(i) : i} role={role('row')}>
              {row.map((cell, j) => (
                <td key={j} className={typeof cell === 'number' ? 'number' : undefined} data-label={columns[j]} role={role('cell')}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

/** An instant from the API (ISO-8601 UTC) in the browser's time zone. */
export const formatInstant = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => dateOnly.format(new Date(iso));

/**
 * Download links for an export route, as CSV and JSON: the browser saves what the server sends
 * (the server decides whose rows, and records the reads in each person's access log), under a name
 * that says what and when (not "export.csv" for every one of them).
 */
export function ExportLinks({ path, what }: { path: string; what: string }) {
  const fileName = (format: string) => `${what.replaceAll(' ', '-')}-${new Date().toLocaleDateString('en-CA')}.${format}`;
  return (
    <p className="pager" aria-label={`Export ${what}`} role="group">
      <a className="button" href={`${path}?format=csv`} download={fileName('csv')}>
        Export {what} (CSV)
      </a>
      <a className="button" href={`${path}?format=json`} download={fileName('json')}>
        Export {what} (JSON)
      </a>
    </p>
  );
}
