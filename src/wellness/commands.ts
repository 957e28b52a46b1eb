import { systemActor } from '../shared/actor.ts';
import { recordAccess } from '../access/index.ts';
import type { DatabaseOptions, WithDatabase } from '../shared/cli-options.ts';
import { exportFile, importFile } from '../shared/cli-files.ts';
import { exportWellness, runWellnessImport } from './import.ts';
import { counted } from '../shared/text.ts';

export const importWellnessFile = (withDatabase: WithDatabase, file: string, options: DatabaseOptions) =>
  importFile(
    withDatabase,
    file,
    options,
    'wellness import',
    (db, input) => runWellnessImport(db, systemActor('cli import wellness'), input),
    (s) => `${counted(s.created, 'report')} created, ${s.updated} updated, ${s.unchanged} unchanged`,
  );

export const exportWellnessFile = (withDatabase: WithDatabase, options: DatabaseOptions & { format: string; output?: string }) =>
  exportFile(withDatabase, options, (db, format) => exportWellness(db, format, (ids) => recordAccess(db, systemActor('cli export wellness'), ids, 'wellness export')));
