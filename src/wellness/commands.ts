import { systemActor } from '../auth/model.ts';
import type { DatabaseOptions } from '../cli/options.ts';
import { exportFile, importFile } from '../cli/files.ts';
import { exportWellness, runWellnessImport } from './import.ts';
import { counted } from '../shared/text.ts';

export const importWellnessFile = (file: string, options: DatabaseOptions) =>
  importFile(
    file,
    options,
    'wellness import',
    (db, input) => runWellnessImport(db, systemActor('cli import wellness'), input),
    (s) => `${counted(s.created, 'report')} created, ${s.updated} updated, ${s.unchanged} unchanged`,
  );

export const exportWellnessFile = (options: DatabaseOptions & { format: string; output?: string }) =>
  exportFile(options, (db, format) => exportWellness(db, format, systemActor('cli export wellness')));
