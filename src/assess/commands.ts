import { systemActor } from '../auth/model.ts';
import type { DatabaseOptions } from '../cli/options.ts';
import { exportFile, importFile } from '../cli/files.ts';
import { exportAssessments, runMeasurementsImport } from './import.ts';
import { counted } from '../shared/text.ts';

export const importMeasurementsFile = (file: string, options: DatabaseOptions) =>
  importFile(
    file,
    options,
    'measurements import',
    (db, input) => runMeasurementsImport(db, systemActor('cli import measurements'), input),
    (s) => `${counted(s.created, 'visit')} created, ${s.updated} updated, ${s.unchanged} unchanged`,
  );

export const exportMeasurementsFile = (options: DatabaseOptions & { format: string; output?: string }) =>
  exportFile(options, (db, format) => exportAssessments(db, format, systemActor('cli export measurements')));
