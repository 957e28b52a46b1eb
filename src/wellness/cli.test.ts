import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliDatabase, muster } from '../cli/testing.ts';
import { dialects } from '../server/test-databases.ts';

const dir = mkdtempSync(join(tmpdir(), 'muster-wellness-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe.each(dialects)('muster import/export wellness and measurements [%s]', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('imports all or nothing, adds nothing the second time, and exports what it stored', { timeout: 240_000 }, async () => {
    const database = await cliDatabase(dialect);
    cleanups.push(database.drop);
    const { env } = database;
    expect((await muster(['demo', '--participants', '2'], { env })).status).toBe(0);

    const wellness = file('wellness.csv', 'designation,date,sleep_quality,fatigue,stress,soreness,hours_slept\nJB-001,2025-01-05,6,2,3,4,7.5\nJB-002,2025-01-05,5,2,3,4,7\n');
    expect((await muster(['import', 'wellness', wellness], { env })).stdout).toBe(`${wellness}: 2 reports created, 0 updated, 0 unchanged\n`);
    expect((await muster(['import', 'wellness', wellness], { env })).stdout).toBe(`${wellness}: 0 reports created, 0 updated, 2 unchanged\n`);
    const bad = await muster(['import', 'wellness', file('bad.csv', 'designation,date,sleep_quality,fatigue,stress,soreness,hours_slept\nJB-001,2025-01-06,9,2,3,4,7\nJB-404,2025-01-06,5,2,3,4,7\n')], { env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("line 2, column sleep_quality: '9' is not a whole number from 1 to 7");
    expect(bad.stderr).toContain('line 3, column designation: nobody on the roster is JB-404');
    const exported = (await muster(['export', 'wellness', '--format', 'csv'], { env })).stdout;
    expect(exported).toMatch(/^JB-001,2025-01-05,6,2,3,4,7.5,21,too-little-history,/m);
    expect(exported).not.toContain('2025-01-06');

    const measurements = file(
      'measurements.csv',
      'designation,date,time,method,device,fasted,assessor,site,trial_1,trial_2,trial_3\nJB-001,2025-01-05,07:30,,Seca,yes,ASR-001,body_mass,80,80.2,\nJB-001,2025-01-05,07:30,,Seca,yes,ASR-001,stature,180,180.4,\n',
    );
    expect((await muster(['import', 'measurements', measurements], { env })).stdout).toBe(`${measurements}: 1 visit created, 0 updated, 0 unchanged\n`);
    const output = join(dir, `measurements-${dialect}.json`);
    expect((await muster(['export', 'measurements', '--format', 'json', '--output', output], { env })).status).toBe(0);
    const visits = JSON.parse(readFileSync(output, 'utf8'));
    expect(visits.find((v: { local: { date: string } }) => v.local.date === '2025-01-05').derived.bmi.value).toBeCloseTo(80.1 / 1.802 ** 2, 6);
    expect((await muster(['export', 'measurements', '--format', 'xml'], { env })).stderr).toContain("--format: 'xml' is not csv or json");
  });
});
