/**
 * Which participant data a route reads, declared with the route (`config: { reads: ... }`): the
 * server refuses to start with an /api route that has none, and one hook (src/server/reads.ts,
 * calling src/access) writes the access log from it after a successful answer. Routes never write
 * the access log themselves (docs/architecture.md).
 */
export type ReadDeclaration =
  /** No participant's data in the answer (or only the caller's own). */
  | { kind: 'none' }
  /** One person's data: the person is the path parameter `param`. One access-log row for them. */
  | { kind: 'person'; what: string; param: string }
  /** A unit and the units below it: the unit is the path parameter `param`. One unit-wide row (ADR 0005). */
  | { kind: 'unit'; what: string; param: string }
  /** Some people's data: the handler names them (`answeredAbout`). One row per person. */
  | { kind: 'people'; what: string }
  /** A data set of many participants: the handler names them (`answeredAbout`); recorded as a cohort read (one row per top unit). */
  | { kind: 'dataset'; what: string };

export const reads = {
  none: { kind: 'none' } as ReadDeclaration,
  person: (what: string, param = 'id'): ReadDeclaration => ({ kind: 'person', what, param }),
  unit: (what: string, param = 'id'): ReadDeclaration => ({ kind: 'unit', what, param }),
  people: (what: string): ReadDeclaration => ({ kind: 'people', what }),
  dataset: (what: string): ReadDeclaration => ({ kind: 'dataset', what }),
};

/** What a `people` or `dataset` route's handler says it answered with, collected on the request. */
export interface AnsweredAbout {
  people: Set<number>;
  /** Replaces the declaration's `what` (e.g. the leaderboard of one drill). */
  what?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which participant data the route reads (src/shared/reads.ts); every /api route declares it. */
    reads?: ReadDeclaration;
  }
  interface FastifyRequest {
    /** The people a `people`/`dataset` route answered about; set through `answeredAbout`. */
    answeredAbout: AnsweredAbout | null;
  }
}

/**
 * Names the people whose data the answer carries (routes declared `reads.people`/`reads.dataset`).
 * Call it as often as needed (an export calls it per page, before the page goes out).
 */
export function answeredAbout(request: { answeredAbout: AnsweredAbout | null }, personIds: Iterable<number>, what?: string): void {
  request.answeredAbout ??= { people: new Set() };
  for (const id of personIds) request.answeredAbout.people.add(id);
  if (what !== undefined) request.answeredAbout.what = what;
}

/** Where an export names the people of each page before it goes out: the request (`answeredAbout`) or, in the CLI, the access log. */
export type ReadSink = (personIds: readonly number[]) => void | Promise<void>;
