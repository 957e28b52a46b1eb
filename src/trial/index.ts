import { defineCapability } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { TrialTables } from './tables.ts';

export const trial = defineCapability<TrialTables>({
  name: 'trial',
  migrations,
  policy: {},
  screens: [],
});
