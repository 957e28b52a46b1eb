import fc from 'fast-check';
import { expect, it } from 'vitest';
import { getPerson } from '../roster/store.ts';
import { makeUnit } from '../roster/testing.ts';
import type { Db } from '../store/db.ts';
import { answeredWithin, changedTables, errorShapeProblem, expectNoProblems, rowCounter } from './request-testing.ts';
import { byForm } from './stress.ts';
import { describeEachDatabase, type TestDatabase } from './test-databases.ts';
import { makeWorld, startTestApp, type Session } from './testing.ts';

/** Corrupted files per import format and database. */
const CASES_PER_FORMAT = byForm(20, 600);
const STALL_MS = byForm(30_000, 15_000);
const seed = Number(process.env.MUSTER_SEED ?? Date.now() % 2 ** 31);
/** After every date in the files: the imports refuse days still to come. */
const now = new Date('2026-08-01T12:00:00Z');

/** One import format: its route, who may import it, a valid file, and what its rows leave in the database. */
interface Format {
  name: string;
  url: string;
  as: Session;
  file: string;
  /** How the file travels: as the body (text/csv), or as a JSON field of an upload. */
  send?: (bytes: Buffer) => { payload: string | Buffer; type: string };
  /** The table its rows go to, and the summary's count of rows added to it. */
  table: 'person' | 'training_set' | 'assessment' | 'wellness_report' | 'analysis_dataset';
  added: (summary: Record<string, number>) => number;
  /** Stored text that only a misread file leaves (a BOM, a NUL, a line end, a replacement character in a name). */
  garbage: (db: Db) => Promise<string[]>;
}

const misread = (text: string) => ['\uFEFF', '\uFFFD', '\u0000', '\r', '\n'].some((c) => text.includes(c));

/** Ways a file goes wrong on its way from a spreadsheet: each takes the text and gives the bytes sent. */
type Corruption = (text: string) => { bytes: Buffer; how: string };

const replacementCharacter = Buffer.from('\uFFFD');
const lines = (text: string) => text.split('\n');
const utf8 = (text: string, how: string) => ({ bytes: Buffer.from(text, 'utf8'), how });

/** Corruptions of the whole file, each tried alone on every format before the random ones. */
const wholeFile: Corruption[] = [
  (t) => ({ bytes: Buffer.from(t, 'latin1'), how: 'latin-1' }),
  (t) => ({ bytes: Buffer.from(t, 'utf16le'), how: 'UTF-16LE without BOM' }),
  (t) => ({ bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]), how: 'UTF-16LE with BOM' }),
  (t) => ({ bytes: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, 'utf16le').swap16()]), how: 'UTF-16BE with BOM' }),
  (t) => utf8(`\uFEFF${t}`, 'UTF-8 BOM'),
  (t) => utf8(`\uFEFF\uFEFF${t}`, 'two BOMs'),
  (t) => utf8(t.replaceAll('\n', '\r\n'), 'CRLF'),
  (t) => utf8(t.replaceAll('\n', '\r'), 'CR'),
  (t) => utf8(lines(t).map((l, i) => (i % 2 ? `${l}\r` : l)).join('\n'), 'mixed line ends'),
  (t) => utf8(`\n\n${t}`, 'blank lines before the header'),
  (t) => utf8(t.replaceAll('\n', '\n\n'), 'a blank line after every line'),
  (t) => utf8(t.replaceAll('\n', '\n   \n'), 'lines of spaces'),
  (t) => utf8(t.replace(/\n?$/, '\n,,,,\n'), 'a row of empty cells'),
  (t) => utf8(lines(t)[0].toUpperCase() + t.slice(lines(t)[0].length), 'header in capitals'),
  (t) => utf8(lines(t)[0].replaceAll(',', ' , ') + t.slice(lines(t)[0].length), 'spaces around header names'),
  (t) => utf8(t.trimEnd(), 'no final line end'),
  () => utf8('', 'empty'),
  (t) => utf8(lines(t)[0], 'header only'),
];

function corruption(): fc.Arbitrary<Corruption> {
  const atLine = fc.nat();
  const atChar = fc.nat();
  return fc.oneof(
    atLine.map((n): Corruption => (t) => {
      const all = lines(t);
      const i = n % all.length;
      return utf8([...all.slice(0, i), ...all.slice(i + 1)].join('\n'), `line ${i + 1} cut`);
    }),
    atLine.map((n): Corruption => (t) => {
      const all = lines(t);
      const i = n % all.length;
      return utf8([...all.slice(0, i + 1), all[i], ...all.slice(i + 1)].join('\n'), `line ${i + 1} twice`);
    }),
    fc.tuple(fc.constantFrom(';', '\t', '|', ', ', '，'), fc.boolean(), atLine).map(([delimiter, everywhere, n]): Corruption => (t) => {
      const all = lines(t);
      const i = n % all.length;
      return utf8(everywhere ? t.replaceAll(',', delimiter) : all.map((l, j) => (j === i ? l.replaceAll(',', delimiter) : l)).join('\n'), `delimiter ${JSON.stringify(delimiter)} ${everywhere ? 'everywhere' : `on line ${i + 1}`}`);
    }),
    fc.tuple(atChar, fc.constantFrom('"', '""', '"\n', "'")).map(([n, quote]): Corruption => (t) => {
      const i = n % t.length;
      return utf8(t.slice(0, i) + quote + t.slice(i), `stray ${JSON.stringify(quote)} at ${i}`);
    }),
    fc.constantFrom(...wholeFile),
    atLine.map((n): Corruption => (t) => {
      const all = lines(t);
      const i = 1 + (n % (all.length - 1));
      return utf8([...all.slice(0, i), all[0], ...all.slice(i)].join('\n'), `header repeated at line ${i + 1}`);
    }),
    atChar.map((n): Corruption => (t) => {
      const bytes = Buffer.from(t, 'utf8');
      const at = n % bytes.length;
      return { bytes: bytes.subarray(0, at), how: `truncated at byte ${at}` };
    }),
    fc.tuple(atChar, fc.integer({ min: 0, max: 255 })).map(([n, byte]): Corruption => (t) => {
      const bytes = Buffer.from(t, 'utf8');
      const at = n % bytes.length;
      const changed = Buffer.from(bytes);
      changed[at] = byte;
      return { bytes: changed, how: `byte ${at} set to 0x${byte.toString(16)}` };
    }),
    fc.tuple(atChar, fc.constantFrom('\u0000', '\u202E', '\u200B', '\uD800', '\u{1F9EA}', 'x'.repeat(100_000))).map(([n, odd]): Corruption => (t) => {
      const i = n % t.length;
      return utf8(t.slice(0, i) + odd + t.slice(i), `${JSON.stringify(odd.slice(0, 8))} inserted at ${i}`);
    }),
  );
}

/** One to three corruptions, one after another. */
const corrupted = fc.array(corruption(), { minLength: 1, maxLength: 3 }).map((steps): Corruption => (text) => {
  let bytes: Buffer = Buffer.from(text, 'utf8');
  const hows: string[] = [];
  for (const step of steps) {
    const next = step(bytes.toString('utf8'));
    bytes = next.bytes;
    hows.push(next.how);
  }
  return { bytes, how: hows.join(' + ') };
});

async function setUp(database: TestDatabase) {
  const db = database.db;
  const world = await makeWorld(database);
  const unit = await makeUnit(db, { name: 'CSV Platoon' });
  const who = (await getPerson(db, world.ownParticipantId)).designation;
  const other = (await getPerson(db, world.otherParticipantId)).designation;
  const assessor = (await getPerson(db, world.sessions.assessor.personId)).designation;
  let uploads = 0;
  const textsOf = async (rows: { text: string | null }[]) => rows.map((r) => r.text ?? '').filter(misread);
  const formats: Format[] = [
    {
      name: 'roster',
      url: '/api/roster/import',
      as: world.sessions.admin,
      file: ['designation,name,rank,unit,role', `CSV-1,Zoë Ærøe,Rct,${unit.name},participant`, `CSV-2,"Núñez, José",Rct,${unit.name},participant`, `CSV-3,Ólafur Þór,Cpl,${unit.name},participant`, ''].join('\n'),
      table: 'person',
      added: (s) => s.created,
      garbage: async () => textsOf(await db.selectFrom('person').select('name as text').where('designation', 'like', '%CSV%').execute()),
    },
    {
      name: 'training (Muster format)',
      url: '/api/training/import',
      as: world.sessions.admin,
      file: [
        'designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes',
        `${who},2026-07-10,09:00,Back Squat,1,5,100,kg,8,,,"café ""ok"""`,
        `${who},2026-07-10,09:00,Back Squat,2,5,102.5,kg,8.5,,,`,
        `${other},2026-07-11,07:30,Deadlift,1,3,180,kg,,,,naïve`,
        '',
      ].join('\n'),
      table: 'training_set',
      added: (s) => s.added,
      garbage: async () => textsOf(await db.selectFrom('training_set').select('notes as text').execute()),
    },
    {
      name: 'training (Strong export)',
      url: `/api/training/import?designation=${encodeURIComponent(other)}&loadUnit=lb`,
      as: world.sessions.admin,
      file: [
        'Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE',
        '2026-02-03 18:22:05,"Evening Workout",1h 5m,Squat (Barbell),1,135,5,0,0,,"felt good",',
        '2026-02-03 18:22:05,"Evening Workout",1h 5m,Squat (Barbell),2,185,5,0,0,,"felt good",8',
        '2026-02-03 18:22:05,"Evening Workout",1h 5m,Squat (Barbell),Rest Timer,0,0,0,90,,,',
        '2026-02-03 18:22:05,"Evening Workout",1h 5m,Running,1,0,0,5,1500,,,',
        '',
      ].join('\n'),
      table: 'training_set',
      added: (s) => s.added,
      garbage: async () => textsOf(await db.selectFrom('training_set').select('notes as text').execute()),
    },
    {
      name: 'assessments',
      url: '/api/assessments/import',
      as: world.sessions.assessor,
      file: [
        'designation,date,time,method,device,fasted,assessor,site,trial_1,trial_2,trial_3',
        `${who},2026-05-12,06:45,bioimpedance,InBody 770,yes,${assessor},body_fat_percent,18.2,,`,
        `${who},2026-05-12,06:45,bioimpedance,InBody 770,yes,${assessor},body_mass,79.6,79.7,`,
        `${other},2026-05-12,07:00,bioimpedance,InBody 770,yes,${assessor},body_fat_percent,21,,`,
        `${other},2026-05-12,07:00,bioimpedance,InBody 770,yes,${assessor},stature,176.5,176.7,`,
        `${other},2026-06-02,08:15,dxa,Hologic Horizon,no,${assessor},body_fat_percent,20.4,,`,
        '',
      ].join('\n'),
      table: 'assessment',
      added: (s) => s.created,
      garbage: async () => textsOf(await db.selectFrom('assessment').select('device as text').execute()),
    },
    {
      name: 'analysis data set (CSV in a JSON upload)',
      url: '/api/analysis/datasets',
      as: world.sessions.statistician,
      file: ['subject,arm,visit,lean_bl,lean', '1,protein,week4,60.5,61.2', '1,protein,week12,60.5,62', '2,placebo,week4,58,58.1', '2,placebo,week12,58,58.4', ''].join('\n'),
      // Data set names are never reused: each upload has its own.
      send: (bytes) => ({ payload: JSON.stringify({ name: `upload ${++uploads}`, data: bytes.toString('utf8') }), type: 'application/json' }),
      table: 'analysis_dataset',
      added: () => 1,
      garbage: async () => [],
    },
    {
      name: 'wellness',
      url: '/api/wellness/import',
      as: world.sessions.investigator,
      file: ['designation,date,sleep_quality,fatigue,stress,soreness,hours_slept', `${who},2026-07-08,6,2,3,4,7.5`, `${who},2026-07-09,5,3,3,4,6`, `${other.toLowerCase()},2026-07-09,7,1,1,1,9`, ''].join('\n'),
      table: 'wellness_report',
      added: (s) => s.created,
      garbage: async () => [],
    },
  ];
  return formats;
}

/** A refused file's answer: our shape, and for a bad file (400) every problem with its line, column and reason. */
function refusalProblem(status: number, body: { error?: { problems?: unknown; field?: string } }): string | undefined {
  // A refused query parameter names its field; a refused file (field "file") lists its problems.
  if (status !== 400 || (body.error?.field && body.error.field !== 'file')) return undefined;
  const problems = body.error?.problems;
  if (!Array.isArray(problems) || problems.length === 0) return 'a 400 without problems (line, column, reason) or a field';
  const bad = problems.find((p: { line?: unknown; column?: unknown; reason?: unknown }) => !Number.isInteger(p.line) || (p.line as number) < 1 || typeof p.column !== 'string' || typeof p.reason !== 'string' || !p.reason);
  return bad ? `a problem without line, column and reason: ${JSON.stringify(bad)}` : undefined;
}

describeEachDatabase('CSV imports of corrupted files', (database) => {
  it(
    'answer clearly (the rows right, or a refusal naming line, column and reason), never 5xx, and write nothing when they refuse',
    async () => {
      const db = database().db;
      const client = await startTestApp(database(), () => new Date(now));
      const formats = await setUp(database());
      const counts = await rowCounter(db, database().dialect);
      const send = (format: Format, bytes: Buffer) => {
        const { payload, type } = format.send?.(bytes) ?? { payload: bytes, type: 'text/csv' };
        return client.request({ method: 'POST', url: format.url, as: format.as, headers: { 'content-type': type }, payload });
      };
      const problems: string[] = [];
      const tally = { sent: 0, accepted: 0, refused: 0 };
      const seen = new Set<string>();
      for (const [index, format] of formats.entries()) {
        const alone: string[] = [];
        // The whole-file corruptions go first, onto an empty table: one that is still read as valid stores its rows.
        const corruptions = [...wholeFile, 'valid' as const, ...fc.sample(corrupted, { seed: seed + index, numRuns: CASES_PER_FORMAT })];
        for (const corrupt of corruptions) {
          if (corrupt === 'valid') {
            const valid = await send(format, Buffer.from(format.file));
            expect(valid.statusCode, `${format.name}: the valid file imports: ${valid.body.slice(0, 300)}`).toBeLessThan(300);
            continue;
          }
          const { bytes, how } = corrupt(format.file);
          const label = `${format.name}: ${how}`;
          const before = await counts();
          let response;
          try {
            response = await answeredWithin(STALL_MS, label, send(format, bytes));
          } catch (error) {
            problems.push(String(error));
            continue;
          }
          tally.sent += 1;
          const after = await counts();
          const status = response.statusCode;
          if (wholeFile.includes(corrupt)) alone.push(`${how} ${status}`);
          if (status >= 500) problems.push(`${status} ${response.body.slice(0, 200)} <- ${label}`);
          else if (status >= 400) {
            tally.refused += 1;
            const shape = errorShapeProblem(response) ?? refusalProblem(status, response.json());
            if (shape) problems.push(`${status} ${shape} <- ${label}: ${response.body.slice(0, 200)}`);
            const changed = changedTables(before, after);
            if (changed.length) problems.push(`${status} refused but wrote to ${changed.join(', ')} <- ${label}`);
          } else {
            tally.accepted += 1;
            const added = format.added(response.json());
            const stored = after[format.table] - before[format.table];
            if (added !== stored) problems.push(`accepted: the answer says ${added} added, the ${format.table} table grew by ${stored} <- ${label}`);
            // A replacement character the file itself holds (a lone surrogate written as UTF-8 becomes one) is its text, not a
            // misreading: it stays stored, so only text new since the last answer counts.
            const texts = await format.garbage(db);
            const garbage = texts.filter((text) => !seen.has(text) && !(text.includes('\uFFFD') && bytes.includes(replacementCharacter)));
            texts.forEach((text) => seen.add(text));
            if (garbage.length) problems.push(`accepted and stored misread text ${JSON.stringify(garbage.slice(0, 3))} <- ${label}`);
          }
        }
        console.log(`${format.name}, each whole-file corruption alone: ${alone.join('; ')}`);
      }
      console.log(`[${database().dialect}] seed ${seed}: ${tally.sent} corrupted files over ${formats.length} import formats: ${tally.accepted} still valid and imported, ${tally.refused} refused; ${problems.length} problems`);
      expect(tally.sent).toBe(formats.length * (wholeFile.length + CASES_PER_FORMAT));
      expectNoProblems(problems, `problems (seed ${seed}; rerun with MUSTER_SEED=${seed})`);
    },
    byForm(120_000, 3_600_000),
  );
});
