/**
 * The writes the stress tests drive at the real server, and the ledger that proves them: training
 * sets, body measurements, wellness reports, kiosk check-ins (and the appointments they need), and
 * CSV training imports of thousands of rows. Every write that was answered 2xx is in the ledger as
 * acknowledged; `checkStored` then looks each one up in the database with a connection of its own.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../store/db.ts';
import { addDays } from '../../shared/time.ts';
import { muster } from '../../cli/testing.ts';
import { call, expectCall, kioskClient, signIn, type Client } from './harness.ts';
import type { StressDatabase } from './harness.ts';

/** The demo kiosk's token (docs/schedule.md, "The demo"); a participant's badge is their designation. */
const DEMO_KIOSK_TOKEN = 'mst_demo-kiosk';
const SET_NUMBERS = 100;
const IMPORT_EXERCISES = 5;
const IMPORT_TAG = 'stress import';

interface Named {
  id: number;
  designation: string;
}

export interface Fixture {
  trainer: Client;
  assessor: Client;
  commander: Client;
  participant: Client;
  kiosk: Client;
  participants: Named[];
  exercises: { id: number; name: string }[];
  companyId: number;
  sessionId: number;
  locationId: number;
}

/** Signs the demo's staff in and makes what the writes need: a session to log sets to, the kiosk's location. */
export async function prepareFixture(base: string): Promise<Fixture> {
  const [trainer, assessor, commander, participant, admin] = await Promise.all(['trainer', 'assessor', 'commander', 'jb-001', 'admin'].map((name) => signIn(base, name)));
  const { people } = await expectCall<{ people: Named[] }>(trainer, 'GET', '/people?role=participant', 200);
  const { exercises } = await expectCall<{ exercises: { id: number; name: string }[] }>(trainer, 'GET', '/exercises', 200);
  const { units } = await expectCall<{ units: { id: number; parentId: number | null }[] }>(trainer, 'GET', '/units', 200);
  const companyId = units.find((u) => u.parentId === null)!.id;
  const session = await expectCall<{ id: number }>(trainer, 'POST', '/training/sessions', 201, { unitId: companyId, title: 'Stress sets', date: new Date().toISOString().slice(0, 10), time: '06:00' });
  const { kiosks } = await expectCall<{ kiosks: { name: string; location: { id: number } }[] }>(admin, 'GET', '/kiosks', 200);
  const locationId = kiosks.find((k) => k.name === 'Front desk (demo)')!.location.id;
  return { trainer, assessor, commander, participant, kiosk: kioskClient(base, DEMO_KIOSK_TOKEN), participants: people, exercises, companyId, sessionId: session.id, locationId };
}

interface ImportRecord {
  tag: string;
  rows: number;
  /** sent: no answer yet; settled: cut off by a crash, and found stored with `settledRows` (all or none). */
  state: 'sent' | 'acknowledged' | 'refused' | 'settled';
  settledRows?: number;
}

/** What was sent and what was acknowledged; the counters keep every write's natural key new, across restarts. */
export class Ledger {
  readonly sets: number[] = [];
  readonly assessments: number[] = [];
  readonly appointments: number[] = [];
  readonly checkIns: number[] = [];
  readonly imports: ImportRecord[] = [];
  /** The participant's report of today: the last acknowledged hours slept, and those sent since. */
  readonly wellness = { acknowledged: null as number | null, sent: [] as number[] };
  /** Answers no test expects (a 5xx, a refusal of a good write); each one fails the test. */
  readonly unexpected: string[] = [];
  readonly counters = { set: 0, assessment: 0, wellness: 0, import: 0, appointmentBatch: 0 };
  private checkInTargets: { badge: string; at: string }[] = [];
  private refilling: Promise<void> | undefined;
  /** Imports have tags of this run only, so a database's other rows never count. */
  private readonly run = randomUUID().slice(0, 8);

  get acknowledged(): number {
    return this.sets.length + this.assessments.length + this.appointments.length + this.checkIns.length + this.imports.filter((i) => i.state === 'acknowledged').length + (this.wellness.acknowledged === null ? 0 : 1);
  }

  get importsInFlight(): number {
    return this.imports.filter((i) => i.state === 'sent').length;
  }

  private expect(what: string, answer: { status: number; body: unknown }, ...statuses: number[]): boolean {
    if (statuses.includes(answer.status)) return true;
    this.unexpected.push(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    return false;
  }

  async addSet(f: Fixture): Promise<void> {
    const i = this.counters.set++;
    const person = f.participants[Math.floor(i / SET_NUMBERS) % f.participants.length];
    const exercise = f.exercises[Math.floor(i / (SET_NUMBERS * f.participants.length)) % f.exercises.length];
    const body = { sessionId: f.sessionId, personId: person.id, exerciseId: exercise.id, setNumber: 1 + (i % SET_NUMBERS), actual: { reps: 1 + (i % 20) } };
    const answer = await call<{ id: number }>(f.trainer, 'POST', '/training/sets', body);
    if (this.expect('POST /training/sets', answer, 201)) this.sets.push(answer.body.id);
  }

  async addAssessment(f: Fixture): Promise<void> {
    const i = this.counters.assessment++;
    const person = f.participants[i % f.participants.length];
    const minute = Math.floor(i / f.participants.length);
    // January in Europe/London: every local minute exists once.
    const date = addDays('2026-01-20', -Math.floor(minute / 1440));
    const time = `${String(Math.floor((minute % 1440) / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    const body = { date, time, method: null, fasted: i % 2 === 0, sites: { body_mass: [60 + (i % 400) / 10, 60 + (i % 400) / 10], stature: [170 + (i % 30), 170 + (i % 30)] } };
    const answer = await call<{ id: number }>(f.assessor, 'POST', `/people/${person.id}/assessments`, body);
    if (this.expect('POST /people/:id/assessments', answer, 201)) this.assessments.push(answer.body.id);
  }

  async reportWellness(f: Fixture): Promise<void> {
    const i = this.counters.wellness++;
    const hoursSlept = (i % 241) / 10;
    this.wellness.sent.push(hoursSlept);
    const answer = await call(f.participant, 'PUT', '/me/wellness/today', { sleepQuality: 1 + (i % 7), fatigue: 4, stress: 4, soreness: 4, hoursSlept });
    if (this.expect('PUT /me/wellness/today', answer, 200, 201)) {
      this.wellness.acknowledged = hoursSlept;
      this.wellness.sent.length = 0;
    }
  }

  /** Appointments for every participant at the kiosk's location, on a past day of their own: new check-ins for all. */
  private async refillCheckIns(f: Fixture): Promise<void> {
    const batch = this.counters.appointmentBatch++;
    const answer = await call<{ appointments: { id: number; person: { designation: string }; startsAt: string }[] }>(f.commander, 'POST', '/appointments', {
      unitId: f.companyId,
      locationId: f.locationId,
      localDate: addDays('2026-10-01', -batch),
      localTime: '12:00',
      purpose: 'test',
      title: `Stress check-in ${batch}`,
    });
    if (!this.expect('POST /appointments', answer, 201)) return;
    for (const a of answer.body.appointments) {
      this.appointments.push(a.id);
      this.checkInTargets.push({ badge: a.person.designation, at: a.startsAt });
    }
  }

  async checkIn(f: Fixture): Promise<void> {
    while (this.checkInTargets.length === 0) {
      this.refilling ??= this.refillCheckIns(f).finally(() => (this.refilling = undefined));
      await this.refilling;
      if (this.unexpected.length > 0) return;
    }
    const target = this.checkInTargets.shift()!;
    const answer = await call<{ checkIn: { id: number } }>(f.kiosk, 'POST', '/kiosk/check-ins', { badge: target.badge, idempotencyKey: randomUUID(), at: target.at });
    if (this.expect('POST /kiosk/check-ins', answer, 201)) this.checkIns.push(answer.body.checkIn.id);
  }

  /**
   * One training import of about `rows` rows (every participant × 5 exercises × as many sets as it
   * takes) on a day of its own, every row's notes its tag. Every other import asks for the NDJSON
   * progress stream, whose 200 comes at once: there only the final `done` line acknowledges it.
   */
  async importTraining(f: Fixture, rows: number): Promise<void> {
    const setsEach = Math.min(SET_NUMBERS, Math.ceil(rows / (f.participants.length * IMPORT_EXERCISES)));
    const n = this.counters.import++;
    const tag = `${IMPORT_TAG} ${this.run}-${n}`;
    const date = addDays('2025-12-31', -n);
    const lines = ['designation,date,time,exercise,set,reps,load,load_unit,rpe,duration_s,distance_m,notes'];
    for (const person of f.participants)
      for (const exercise of f.exercises.slice(0, IMPORT_EXERCISES))
        for (let set = 1; set <= setsEach; set++) lines.push(`${person.designation},${date},06:00,"${exercise.name}",${set},${5 + (set % 5)},${40 + set},kg,8,,,${tag}`);
    const record: ImportRecord = { tag, rows: lines.length - 1, state: 'sent' };
    this.imports.push(record);
    const progress = n % 2 === 1;
    const response = await fetch(`${f.trainer.base}/api/training/import`, {
      method: 'POST',
      headers: { ...f.trainer.headers, 'content-type': 'text/csv', ...(progress ? { accept: 'application/x-ndjson' } : {}) },
      body: `${lines.join('\n')}\n`,
    });
    const text = await response.text();
    const last = progress ? JSON.parse(text.trimEnd().split('\n').at(-1)!) : undefined;
    const added = progress ? last?.summary?.added : (JSON.parse(text) as { added?: number }).added;
    const done = response.status === 200 && (!progress || last?.stage === 'done');
    if (done && added === record.rows) record.state = 'acknowledged';
    else {
      record.state = 'refused';
      this.unexpected.push(`POST /training/import (${progress ? 'progress' : 'plain'}): ${response.status} ${text.slice(-300)}`);
    }
  }
}

export interface StoredCheck {
  /** Acknowledged writes looked up. */
  checked: number;
  /** Each one missing or half there, named. */
  problems: string[];
}

async function presentIds(handle: DatabaseHandle, table: 'training_set' | 'assessment' | 'appointment' | 'check_in', ids: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (let at = 0; at < ids.length; at += 1000) {
    const rows = await handle.db.selectFrom(table).select('id').where('id', 'in', ids.slice(at, at + 1000)).execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/** Every acknowledged write is stored, and every import is all there or not at all. */
export async function checkStored(handle: DatabaseHandle, ledger: Ledger, fixture: Fixture): Promise<StoredCheck> {
  const problems: string[] = [];
  let checked = 0;
  for (const [table, ids] of [
    ['training_set', ledger.sets],
    ['assessment', ledger.assessments],
    ['appointment', ledger.appointments],
    ['check_in', ledger.checkIns],
  ] as const) {
    const found = await presentIds(handle, table, ids);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) problems.push(`${missing.length} acknowledged ${table} rows missing, e.g. ids ${missing.slice(0, 5).join(', ')}`);
    checked += ids.length;
  }

  const counts = await handle.db
    .selectFrom('training_set')
    .select(['notes', (eb) => eb.fn.countAll<number>().as('count')])
    .where('notes', 'like', `${IMPORT_TAG} %`)
    .groupBy('notes')
    .execute();
  const stored = new Map(counts.map((c) => [c.notes, Number(c.count)]));
  for (const record of ledger.imports) {
    const rows = stored.get(record.tag) ?? 0;
    stored.delete(record.tag);
    if (record.state === 'acknowledged') checked++;
    if (rows !== 0 && rows !== record.rows) problems.push(`import '${record.tag}' half-applied: ${rows} of ${record.rows} rows`);
    else if (record.state === 'acknowledged' && rows === 0) problems.push(`acknowledged import '${record.tag}' missing`);
    else if (record.state === 'refused' && rows !== 0) problems.push(`import '${record.tag}' was refused, yet its rows are stored`);
    else if (record.state === 'settled' && rows !== record.settledRows) problems.push(`import '${record.tag}' changed from ${record.settledRows} to ${rows} rows`);
    // One cut off by the crash may have committed or not; from now on it must stay as it is.
    else if (record.state === 'sent') Object.assign(record, { state: 'settled', settledRows: rows });
  }
  for (const [tag] of stored) problems.push(`rows of '${tag}', an import never sent`);

  const jb = fixture.participants.find((p) => p.designation === 'JB-001');
  if (jb && ledger.wellness.acknowledged !== null) {
    const latest = await handle.db.selectFrom('wellness_report').select('hours_slept').where('person_id', '=', jb.id).orderBy('updated_at', 'desc').executeTakeFirst();
    const allowed = [ledger.wellness.acknowledged, ...ledger.wellness.sent];
    if (!latest || !allowed.includes(latest.hours_slept)) problems.push(`wellness report: ${latest?.hours_slept ?? 'none'} stored, acknowledged ${ledger.wellness.acknowledged}`);
    else ledger.wellness.acknowledged = latest.hours_slept;
    checked++;
  }
  ledger.wellness.sent.length = 0;
  return { checked, problems };
}

/** SQLite: `PRAGMA integrity_check` and `foreign_key_check`; PostgreSQL: every constraint validated, every index valid. */
export async function checkIntegrity(handle: DatabaseHandle): Promise<string[]> {
  if (handle.dialect === 'sqlite') {
    const integrity = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(handle.db);
    const foreignKeys = await sql<Record<string, unknown>>`pragma foreign_key_check`.execute(handle.db);
    return [...integrity.rows.filter((r) => r.integrity_check !== 'ok').map((r) => r.integrity_check), ...foreignKeys.rows.map((r) => `foreign key: ${JSON.stringify(r)}`)];
  }
  const constraints = await sql<{ conname: string }>`select conname from pg_constraint where not convalidated and connamespace = current_schema()::regnamespace`.execute(handle.db);
  const indexes = await sql<{ indexrelid: string }>`select indexrelid::regclass::text as indexrelid from pg_index where not indisvalid or not indisready`.execute(handle.db);
  return [...constraints.rows.map((r) => `constraint ${r.conname} not validated`), ...indexes.rows.map((r) => `index ${r.indexrelid} not valid`)];
}

/** `muster audit verify` on the database: exit 0, and its output. */
export async function verifyAuditChain(database: StressDatabase): Promise<{ status: number; output: string }> {
  const result = await muster(['audit', 'verify'], { env: database.env });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}
