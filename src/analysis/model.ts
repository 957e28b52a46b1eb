import type { Generated } from 'kysely';
import { csvLine } from '../shared/csv.ts';
import { StatsError } from '../stats/errors.ts';
import { parseTable } from '../stats/table.ts';

export interface AnalysisTables {
  /** A long-format CSV kept for analysis: the file as uploaded, with what the list shows. */
  analysis_dataset: {
    id: Generated<number>;
    name: string;
    description: string;
    /** The header row, as a JSON array of column names. */
    columns_json: string;
    row_count: number;
    csv: string;
    created_by_account_id: number | null;
    created_by_label: string;
    created_at: string;
    /** Archived data sets leave the list but stay readable: an analysis report may cite one. */
    archived_at: string | null;
    archived_by_label: string | null;
  };
  /** An analysis run on the analysis screen, kept so it can be listed, opened and reported again. */
  analysis_run: {
    id: Generated<number>;
    /** What the data are called: the uploaded file's name, the stored data set's, or the trial's. */
    data_label: string;
    /** The SHA-256 of the CSV the analysis ran on (the CSV itself stays where it came from). */
    data_sha256: string;
    /** A trial's own data set: only readers who see that trial's arms list the run. */
    trial_code: string | null;
    /** The request without its CSV text, as JSON. */
    request_json: string;
    /** The answer of POST /api/analysis (result, verdict, description), as JSON. */
    response_json: string;
    created_by_account_id: number | null;
    created_by_label: string;
    created_at: string;
  };
}

/** The header and the number of data rows of a CSV, or the problem that makes it unusable for analysis. */
export function describeCsv(text: string): { columns: string[]; rowCount: number } | { problem: string } {
  // A UTF-16 file read as UTF-8 has a NUL after every letter; SQLite would keep it, PostgreSQL refuses it.
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { problem: `line ${text.slice(0, nul).split('\n').length} holds a NUL character (a UTF-16 file?): save the file as CSV UTF-8` };
  try {
    const table = parseTable(text);
    if (table.rows.length === 0) return { problem: 'the file has a header but no rows' };
    const seen = new Set<string>();
    for (const name of table.header) {
      if (name === '') return { problem: 'a column of the header has no name' };
      if (seen.has(name)) return { problem: `the header names column "${name}" twice` };
      seen.add(name);
    }
    return { columns: [...table.header], rowCount: table.rows.length };
  } catch (error) {
    if (error instanceof StatsError) return { problem: error.message.replace(/^--data: /, '') };
    throw error;
  }
}

/** One physique visit, as the derived data set needs it (from the assess capability's views). */
export interface PhysiqueVisit {
  designation: string;
  unit: string;
  /** The visit's instant, to order each person's visits. */
  assessedAt: string;
  /** The local date in the unit's time zone. */
  date: string;
  bodyMass: number | null;
  bmi: number | null;
  bodyFatPercent: number | null;
  leanMass: number | null;
}

export const physiqueByVisitColumns = [
  'designation',
  'unit',
  'visit',
  'date',
  'body_mass_kg',
  'bmi',
  'body_fat_percent',
  'lean_mass_kg',
  'body_mass_kg_bl',
  'body_fat_percent_bl',
  'lean_mass_kg_bl',
] as const;

const rounded = (x: number | null) => (x === null ? null : Number(x.toFixed(2)));

/**
 * "Physique measurements by visit" in long format, ready for an MMRM adjusted for baseline: each
 * person's visits numbered 1, 2, ... in time order; visit 1 is the baseline, given as the `_bl`
 * columns of one row per later visit (the engine needs observed variation at every visit it
 * models, and a baseline row would repeat its own covariate). The unit is the group factor.
 */
export function physiqueByVisitCsv(visits: readonly PhysiqueVisit[]): { csv: string; rowCount: number } {
  const byPerson = new Map<string, PhysiqueVisit[]>();
  for (const v of visits) byPerson.set(v.designation, [...(byPerson.get(v.designation) ?? []), v]);
  let csv = csvLine(physiqueByVisitColumns);
  let rowCount = 0;
  for (const designation of [...byPerson.keys()].sort()) {
    const [first, ...later] = byPerson.get(designation)!.sort((a, b) => a.assessedAt.localeCompare(b.assessedAt));
    later.forEach((v, i) => {
      csv += csvLine([
        v.designation,
        v.unit,
        i + 2,
        v.date,
        rounded(v.bodyMass),
        rounded(v.bmi),
        rounded(v.bodyFatPercent),
        rounded(v.leanMass),
        rounded(first.bodyMass),
        rounded(first.bodyFatPercent),
        rounded(first.leanMass),
      ]);
      rowCount += 1;
    });
  }
  return { csv, rowCount };
}
