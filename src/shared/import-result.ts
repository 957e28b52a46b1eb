import { formatProblem, type RowProblem } from './csv.ts';
import { AppError } from './errors.ts';

export interface ImportSummary {
  created: number;
  updated: number;
  unchanged: number;
}

/** Refuses an import: every problem with line, column and reason; nothing was written. */
export class ImportRejected extends AppError {
  constructor(readonly problems: RowProblem[]) {
    super('bad_request', `${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing imported:\n${problems.map(formatProblem).join('\n')}`, {
      field: 'file',
      details: problems,
    });
  }
}
