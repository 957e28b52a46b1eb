import { systemActor } from '../shared/actor.ts';
import { recordAccess } from '../access/index.ts';
import type { DatabaseOptions, WithDatabase } from '../shared/cli-options.ts';
import { exportFile, importFile } from '../shared/cli-files.ts';
import { badRequest } from '../shared/errors.ts';
import { exportTraining } from './export.ts';
import { runTrainingImport } from './import.ts';
import { loadUnits, type LoadUnit } from './model.ts';
import { counted } from '../shared/text.ts';

const systemScope = { kind: 'all', selfId: null } as const;

export async function importTrainingFile(withDatabase: WithDatabase, file: string, options: DatabaseOptions & { designation?: string; loadUnit: string }) {
  await importFile(
    withDatabase,
    file,
    options,
    'training import',
    (db, input) => {
      if (!(loadUnits as readonly string[]).includes(options.loadUnit)) throw badRequest('--load-unit', `'${options.loadUnit}' is not kg or lb`);
      return runTrainingImport(db, systemActor('cli import training'), input, { scope: systemScope, designation: options.designation, loadUnit: options.loadUnit as LoadUnit });
    },
    (s) => `${counted(s.rows, 'set')} (${s.format} format): ${s.added} added, ${s.alreadyStored} already stored, ${counted(s.sessionsCreated, 'session')} created${s.skipped ? `, ${counted(s.skipped, 'rest-timer row')} skipped` : ''}`,
  );
}

export const exportTrainingFile = (withDatabase: WithDatabase, options: DatabaseOptions & { format: string; output?: string }) =>
  exportFile(withDatabase, options, (db, format) => exportTraining(db, format, systemScope, (ids) => recordAccess(db, systemActor('cli export training'), ids, 'training export')));
