import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../shared/http-params.ts';
import type { Actor } from '../shared/actor.ts';
import { recentDrillBests } from '../drills/index.ts';
import { isoDateSchema, personStatuses, type PersonStatus } from '../roster/index.ts';
import { listUnits, personRefs, statusCountsByUnit } from '../roster/index.ts';
import { requireUnitVisible, unitsBelow } from '../access/index.ts';
import { actorOf } from '../shared/context.ts';
import { notFound } from '../shared/errors.ts';
import { addDays, localDateOf, localDayBounds, weekStart } from '../shared/time.ts';
import type { Db } from '../store/db.ts';
import { attendanceByUnit, cohortLoadRatioFlags, recentLiftBests, weeklyLoadByUnit } from '../training/index.ts';
import { reportView, rangeFlag } from '../wellness/index.ts';
import { wellnessByUnit } from '../wellness/index.ts';
import { rollUp } from './model.ts';
import type { RangeFlag } from '../stats/own-range.ts';
import { reads } from '../shared/reads.ts';

/** Attendance is the share of the last four weeks' attendance records that say present. */
export const ATTENDANCE_DAYS = 28;

const dateQuery = z.strictObject({ date: isoDateSchema.optional().describe("the unit's local day; default today") });
const personRef = z.object({ id: z.number(), designation: z.string(), name: z.string(), rank: z.string() });
const unitRef = z.object({ id: z.number(), name: z.string(), timeZone: z.string() });

/** The unit, its local day and the units it covers (itself and those below), with their names, parents and strength. */
async function cohortOf(db: Db, actor: Actor, unitId: number, date: string | undefined, now: Date) {
  await requireUnitVisible(db, actor, unitId);
  // One read of the units (each counts its strength over the whole roster), the unit among them.
  const units = await listUnits(db, await unitsBelow(db, [unitId]));
  const unit = units.find((u) => u.id === unitId);
  if (!unit) throw notFound(`unit ${unitId}`);
  return { unit, units, ids: units.map((u) => u.id), date: date ?? localDateOf(now, unit.timeZone) };
}

async function peopleById(db: Db, ids: readonly number[]) {
  return new Map((await personRefs(db, ids)).map((p) => [p.id, p]));
}

export const cohortRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.muster;

  app.get(
    '/units/:id/cohort',
    {
      config: { reads: reads.unit('cohort at a glance') },
      schema: {
        tags: ['cohort'],
        summary: "A unit and each unit below it at a glance: strength by status, this week's session-RPE load, attendance over the last 28 days (one access-log row)",
        params: idParams,
        querystring: dateQuery,
        response: {
          200: z.object({
            unit: unitRef,
            date: z.string(),
            weekStart: z.string(),
            attendanceFrom: z.string(),
            units: z.array(
              z.object({
                id: z.number(),
                name: z.string(),
                parentId: z.number().nullable(),
                strength: z.number(),
                statuses: z.record(z.enum(personStatuses), z.number()),
                load: z.number().describe('summed session RPE × minutes (AU) this week'),
                trained: z.number().describe('participants present at a session this week'),
                attendance: z.object({ recorded: z.number(), present: z.number() }),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { unit, units, ids, date } = await cohortOf(db, actor, request.params.id, request.query.date, clock());
      const monday = weekStart(date);
      const attendanceFrom = addDays(date, 1 - ATTENDANCE_DAYS);
      const [statuses, load, attendance] = await Promise.all([
        statusCountsByUnit(db, ids),
        weeklyLoadByUnit(db, ids, monday),
        attendanceByUnit(db, ids, attendanceFrom, date),
      ]);
      const noStatuses = () => Object.fromEntries(personStatuses.map((s) => [s, 0])) as Record<PersonStatus, number>;
      const statusTotals = rollUp(units, statuses, noStatuses);
      const loadTotals = rollUp(units, load, () => ({ load: 0, trained: 0 }));
      const attendanceTotals = rollUp(units, attendance, () => ({ recorded: 0, present: 0 }));
      return {
        unit: { id: unit.id, name: unit.name, timeZone: unit.timeZone },
        date,
        weekStart: monday,
        attendanceFrom,
        units: units.map((u) => ({ id: u.id, name: u.name, parentId: u.parentId, strength: u.strength, statuses: statusTotals.get(u.id)!, ...loadTotals.get(u.id)!, attendance: attendanceTotals.get(u.id)! })),
      };
    },
  );

  app.get(
    '/units/:id/cohort/flags',
    {
      config: { reads: reads.unit('cohort flags') },
      schema: {
        tags: ['cohort'],
        summary:
          "Who is flagged on a day in a unit and the units below: wellness score or load ratio (ACWR) outside their own usual range, furthest outside first (the larger of the two z-scores), at most `limit` of them; counts per unit (one access-log row)",
        params: idParams,
        querystring: dateQuery.extend({ limit: z.coerce.number().int().min(1).max(10_000).optional().describe('at most this many people, furthest outside their range first; default all') }),
        response: {
          200: z.object({
            unit: unitRef,
            date: z.string(),
            units: z.array(z.object({ id: z.number(), wellness: z.object({ reported: z.number(), flagged: z.number() }), loadRatio: z.object({ rated: z.number(), flagged: z.number() }) })),
            /** How many people are flagged, for one reason or both: `people` holds them all, or the first `limit`. */
            flaggedPeople: z.number(),
            people: z.array(z.object({ person: personRef, unitId: z.number(), wellness: reportView.nullable(), loadRatio: rangeFlag.nullable() })),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { unit, units, ids, date } = await cohortOf(db, actor, request.params.id, request.query.date, clock());
      const [wellness, loadRatios] = await Promise.all([wellnessByUnit(db, ids, date), cohortLoadRatioFlags(db, ids, date)]);
      const wellnessTotals = rollUp(units, wellness.byUnit, () => ({ reported: 0, flagged: 0 }));
      const loadRatioTotals = rollUp(units, loadRatios.byUnit, () => ({ rated: 0, flagged: 0 }));
      const wellnessFlags = new Map(wellness.flagged.map((f) => [f.personId, f]));
      const flagged = [...new Set([...wellnessFlags.keys(), ...loadRatios.flagged.keys()])].map((personId) => ({
        personId,
        unitId: wellnessFlags.get(personId)?.unitId ?? loadRatios.flagged.get(personId)!.unitId,
        wellness: wellnessFlags.get(personId)?.report ?? null,
        loadRatio: loadRatios.flagged.get(personId)?.flag ?? null,
      }));
      // A battalion has a thousand people flagged on a day: the commander reads the furthest out first, and only those are read and sent.
      const away = (flag: RangeFlag | null | undefined) => (flag && 'z' in flag ? Math.abs(flag.z) : 0);
      const outside = (f: (typeof flagged)[number]) => Math.max(away(f.wellness?.flag), away(f.loadRatio));
      const shown = flagged.sort((a, b) => outside(b) - outside(a) || a.personId - b.personId).slice(0, request.query.limit);
      const people = await peopleById(db, shown.map((f) => f.personId));
      return {
        unit: { id: unit.id, name: unit.name, timeZone: unit.timeZone },
        date,
        units: units.map((u) => ({ id: u.id, wellness: wellnessTotals.get(u.id)!, loadRatio: loadRatioTotals.get(u.id)! })),
        flaggedPeople: flagged.length,
        people: shown.map(({ personId, ...f }) => ({ person: people.get(personId)!, ...f })),
      };
    },
  );

  app.get(
    '/units/:id/cohort/bests',
    {
      config: { reads: reads.unit('recent personal bests') },
      schema: {
        tags: ['cohort'],
        summary: 'Recent personal bests in a unit and the units below, newest first: heavier lifts and faster drill times than the person managed before (one access-log row)',
        params: idParams,
        querystring: z.strictObject({ days: z.coerce.number().int().min(1).max(365).default(28), limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: {
          200: z.object({
            from: z.string(),
            bests: z.array(
              z.object({
                person: personRef,
                kind: z.enum(['lift', 'drill']),
                what: z.string(),
                value: z.number(),
                previous: z.number(),
                unit: z.enum(['kg', 's']),
                date: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { unit, ids, date } = await cohortOf(db, actor, request.params.id, undefined, clock());
      const { days, limit } = request.query;
      const from = addDays(date, 1 - days);
      const window = [localDayBounds(from, unit.timeZone).start, localDayBounds(date, unit.timeZone).end] as const;
      const [lifts, drills] = await Promise.all([recentLiftBests(db, ids, ...window, limit), recentDrillBests(db, ids, ...window, limit)]);
      const bests = [
        ...lifts.map((b) => ({ personId: b.personId, kind: 'lift' as const, what: b.exercise, value: b.loadKg, previous: b.previousKg, unit: 'kg' as const, date: b.date, at: b.at })),
        ...drills.map((b) => ({ personId: b.personId, kind: 'drill' as const, what: b.drill, value: b.timeS, previous: b.previousS, unit: 's' as const, date: b.date, at: b.at })),
      ]
        .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
        .slice(0, limit);
      const people = await peopleById(db, bests.map((b) => b.personId));
      return { from, bests: bests.map(({ personId, at: _at, ...b }) => ({ person: people.get(personId)!, ...b })) };
    },
  );
};
