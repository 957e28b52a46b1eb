import { systemActor } from '../shared/actor.ts';
import { recordAccess } from '../access/index.ts';
import type { DatabaseOptions, WithDatabase } from '../shared/cli-options.ts';
import { exportFile, importFile } from '../shared/cli-files.ts';
import { exportAssessments, runMeasurementsImport } from './import.ts';
import { counted } from '../shared/text.ts';

export const importMeasurementsFile = (withDatabase: WithDatabase, file: string, options: DatabaseOptions) =>
  importFile(
    withDatabase,
    file,
    options,
    'measurements import',
    (db, input) => runMeasurementsImport(db, systemActor('cli import measurements'), input),
    (s) => `${counted(s.created, 'visit')} created, ${s.updated} updated, ${s.unchanged} unchanged`,
  );

export const exportMeasurementsFile = (withDatabase: WithDatabase, options: DatabaseOptions & { format: string; output?: string }) =>
  exportFile(withDatabase, options, (db, format) => exportAssessments(db, format, (ids) => recordAccess(db, systemActor('cli export measurements'), ids, 'physique export')));
