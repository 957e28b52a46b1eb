import type { PersonScope } from '../access/index.ts';
import type { ReadSink } from '../shared/reads.ts';
import { csvLine } from '../shared/csv.ts';
import { instantToLocal } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { fromKilograms } from './model.ts';

export const trainingExportFormats = ['csv', 'json'] as const;
export type TrainingExportFormat = (typeof trainingExportFormats)[number];

/** Every stored column of a set, with its session, attendance and person, plus the local date and time. */
export const exportColumns = [
  'set_id',
  'designation',
  'person_id',
  'unit',
  'time_zone',
  'session_id',
  'session_title',
  'session_status',
  'date',
  'time',
  'utc_offset',
  'starts_at',
  'planned_start',
  'planned_minutes',
  'actual_start',
  'actual_minutes',
  'attendance',
  'session_rpe',
  'attendance_minutes',
  'exercise',
  'set',
  'set_kind',
  'target_reps',
  'target_load_kg',
  'target_rpe',
  'target_rir',
  'target_duration_s',
  'target_distance_m',
  'reps',
  'load_kg',
  'load_unit',
  'load_as_entered',
  'rpe',
  'rir',
  'duration_s',
  'distance_m',
  'notes',
  'self_reported',
  'created_at',
  'updated_at',
] as const;
type ExportRow = Record<(typeof exportColumns)[number], string | number | null>;

/**
 * Rows a page. A page is read and formatted in one go on the event loop (better-sqlite3 is
 * synchronous), so pages are kept small (500 rows: about 20 ms) and the export yields to the event loop between them
 * (issue 14: 5,000-row pages held every other request for 1.3-2.6 s over 16,000 sets).
 */
const PAGE = 500;

/** Lets timers and other requests run before the next page. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every set in scope, in pages of PAGE rows by id so memory stays bounded; each page's people are named to `noteRead` (the access log) before it goes out. */
export async function* exportTraining(db: Db, format: TrainingExportFormat, scope: PersonScope, noteRead: ReadSink): AsyncGenerator<string> {
  let afterId = 0;
  let first = true;
  yield format === 'csv' ? csvLine(exportColumns) : '[';
  for (;;) {
    let q = db
      .selectFrom('training_set')
      .innerJoin('training_session', 'training_session.id', 'training_set.session_id')
      .innerJoin('unit', 'unit.id', 'training_session.unit_id')
      .innerJoin('exercise', 'exercise.id', 'training_set.exercise_id')
      .innerJoin('person', 'person.id', 'training_set.person_id')
      .leftJoin('session_attendance', (j) => j.onRef('session_attendance.session_id', '=', 'training_set.session_id').onRef('session_attendance.person_id', '=', 'training_set.person_id'))
      .selectAll('training_set')
      .select([
        'person.designation',
        'unit.name as unit_name',
        'unit.time_zone',
        'training_session.title',
        'training_session.status as session_status',
        'training_session.starts_at',
        'training_session.planned_start',
        'training_session.planned_minutes',
        'training_session.actual_start',
        'training_session.actual_minutes',
        'session_attendance.status as attendance',
        'session_attendance.rpe as session_rpe',
        'session_attendance.minutes as attendance_minutes',
        'exercise.name as exercise_name',
      ])
      .where('training_set.id', '>', afterId)
      .orderBy('training_set.id')
      .limit(PAGE);
    if (scope.kind === 'self') q = q.where('training_set.person_id', '=', scope.selfId ?? -1);
    if (scope.kind === 'units') {
      const { unitIds, selfId } = scope;
      q = q.where((eb) =>
        eb.or([
          eb('training_set.person_id', '=', selfId ?? -1),
          eb.exists(
            eb
              .selectFrom('person_unit')
              .select('person_unit.id')
              .whereRef('person_unit.person_id', '=', 'training_set.person_id')
              .where('person_unit.effective_to', 'is', null)
              .where('person_unit.unit_id', 'in', unitIds.length ? unitIds : [-1]),
          ),
        ]),
      );
    }
    await yieldToEventLoop();
    const rows = await q.execute();
    await noteRead([...new Set(rows.map((r) => r.person_id))]);
    // A session's sets share its start: convert each start and zone once (the conversion dominated the page's time).
    const locals = new Map<string, ReturnType<typeof instantToLocal>>();
    let chunk = '';
    for (const r of rows) {
      const key = `${r.starts_at} ${r.time_zone}`;
      let local = locals.get(key);
      if (local === undefined) locals.set(key, (local = instantToLocal(r.starts_at, r.time_zone)));
      const row: ExportRow = {
        set_id: r.id,
        designation: r.designation,
        person_id: r.person_id,
        unit: r.unit_name,
        time_zone: r.time_zone,
        session_id: r.session_id,
        session_title: r.title,
        session_status: r.session_status,
        date: local.date,
        time: local.time,
        utc_offset: local.offset,
        starts_at: r.starts_at,
        planned_start: r.planned_start,
        planned_minutes: r.planned_minutes,
        actual_start: r.actual_start,
        actual_minutes: r.actual_minutes,
        attendance: r.attendance,
        session_rpe: r.session_rpe,
        attendance_minutes: r.attendance_minutes,
        exercise: r.exercise_name,
        set: r.set_number,
        set_kind: r.kind,
        target_reps: r.target_reps,
        target_load_kg: r.target_load_kg,
        target_rpe: r.target_rpe,
        target_rir: r.target_rir,
        target_duration_s: r.target_duration_s,
        target_distance_m: r.target_distance_m,
        reps: r.reps,
        load_kg: r.load_kg,
        load_unit: r.load_unit,
        load_as_entered: r.load_kg === null || r.load_unit === null ? null : fromKilograms(r.load_kg, r.load_unit),
        rpe: r.rpe,
        rir: r.rir,
        duration_s: r.duration_s,
        distance_m: r.distance_m,
        notes: r.notes,
        self_reported: r.self_reported,
        created_at: r.created_at,
        updated_at: r.updated_at,
      };
      if (format === 'csv') chunk += csvLine(exportColumns.map((c) => row[c]));
      else {
        chunk += `${first ? '' : ','}\n${JSON.stringify(row)}`;
        first = false;
      }
    }
    if (chunk) yield chunk;
    if (rows.length < PAGE) break;
    afterId = rows[rows.length - 1].id;
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}
