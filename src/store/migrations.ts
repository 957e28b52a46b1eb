import type { Migration } from 'kysely';
import { migrations as analysis } from '../analysis/migrations.ts';
import { migrations as assess } from '../assess/migrations.ts';
import { migrations as audit } from '../audit/migrations.ts';
import { migrations as auth } from '../auth/migrations.ts';
import { migrations as drills } from '../drills/migrations.ts';
import { migrations as roster } from '../roster/migrations.ts';
import { migrations as training } from '../training/migrations.ts';
import { migrations as wellness } from '../wellness/migrations.ts';

/**
 * Every capability's migrations, applied in name order. Names start with a four-digit
 * sequence number; a new capability takes the next free numbers and adds its import here.
 */
export const allMigrations: Record<string, Migration> = { ...audit, ...roster, ...auth, ...assess, ...wellness, ...training, ...drills, ...analysis };
