import { defineCapability } from '../shared/capability.ts';
import { migrations } from './migrations.ts';
import type { ScheduleTables } from './tables.ts';

export const schedule = defineCapability<ScheduleTables>({
  name: 'schedule',
  migrations,
  policy: {},
  screens: [],
});
