import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliDatabase, muster } from '../cli/testing.ts';
import { dialects } from '../server/test-databases.ts';

const dir = mkdtempSync(join(tmpdir(), 'muster-training-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const header = 'designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes';

describe.each(dialects)('muster import/export training [%s]', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('imports all or nothing, adds nothing the second time, reads Strong exports, and exports what it stored', { timeout: 240_000 }, async () => {
    const database = await cliDatabase(dialect);
    cleanups.push(database.drop);
    const { env } = database;
    expect((await muster(['demo', '--participants', '2'], { env })).status).toBe(0);

    const sets = file('sets.csv', `${header}\nJB-001,2024-03-31,23:00,Back Squat,1,5,225,lb,8,,,\nJB-002,2024-03-31,23:00,Run,1,,,,,600,2000,"easy, flat"\n`);
    expect((await muster(['import', 'training', sets], { env })).stdout).toBe(`${sets}: 2 sets (muster format): 2 added, 0 already stored, 2 sessions created\n`);
    expect((await muster(['import', 'training', sets], { env })).stdout).toBe(`${sets}: 2 sets (muster format): 0 added, 2 already stored, 0 sessions created\n`);

    const bad = await muster(['import', 'training', file('bad.csv', `${header}\nJB-001,2024-04-01,07:00,Back Squat,1,5,100,kg,,,,\nJB-404,2024-04-01,07:00,Back Squat,1,5,100,kg,,,,\nJB-001,2024-04-01,07:00,Back Squat,2,5,100,stone,,,,\n`)], { env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('line 3, column designation: nobody on the roster you may see is JB-404');
    expect(bad.stderr).toContain("line 4, column load_unit: 'stone' is not kg or lb");

    const strong = file('strong.csv', 'Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n2024-04-02 18:05:00,Evening,50m,Bench Press (Barbell),1,135,8,0,0,,,7\n');
    expect((await muster(['import', 'training', strong], { env })).stderr).toContain('--designation');
    expect((await muster(['import', 'training', strong, '--designation', 'JB-001', '--load-unit', 'lb'], { env })).stdout).toContain('1 set (strong format): 1 added');
    expect((await muster(['import', 'training', strong, '--designation', 'JB-001', '--load-unit', 'stone'], { env })).stderr).toContain("--load-unit: 'stone' is not kg or lb");

    const exported = (await muster(['export', 'training', '--format', 'csv'], { env })).stdout;
    // Sunday 31 March 2024 is the day British clocks go forward: 23:00 there is 22:00 UTC.
    expect(exported).toMatch(/^\d+,JB-001,\d+,1 Platoon \(demo\),Europe\/London,\d+,Imported training,held,2024-03-31,23:00,\+01:00,2024-03-31T22:00:00.000Z,/m);
    expect(exported).toContain(',Back Squat,1,normal,,,,,,,5,102.05828325,lb,225,8,');
    expect(exported).toContain('"easy, flat"');
    const output = join(dir, `training-${dialect}.json`);
    expect((await muster(['export', 'training', '--format', 'json', '--output', output], { env })).status).toBe(0);
    const rows = JSON.parse(readFileSync(output, 'utf8')) as { exercise: string; load_kg: number | null; session_title: string }[];
    expect(rows.find((r) => r.session_title === 'Evening')).toMatchObject({ exercise: 'Bench Press', load_kg: 61.23496995 });
  });
});
