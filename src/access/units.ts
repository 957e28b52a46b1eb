import type { Db } from '../store/db.ts';

// The unit tree, read from the roster's published tables (unit, unit_trainer): who sees which units depends on it.

/** The given units and every unit below them, in one recursive query. */
export async function unitsBelow(db: Db, unitIds: readonly number[]): Promise<number[]> {
  if (unitIds.length === 0) return [];
  const rows = await db
    .withRecursive('tree(id)', (qb) =>
      qb
        .selectFrom('unit')
        .select('id')
        .where('id', 'in', unitIds)
        .union((qb2) => qb2.selectFrom('unit').innerJoin('tree', 'tree.id', 'unit.parent_id').select('unit.id')),
    )
    .selectFrom('tree')
    .select('id')
    .execute();
  return rows.map((r) => r.id);
}

/** The given units and every unit above them: a platoon's people also train in their company's sessions. */
export async function unitsAbove(db: Db, unitIds: readonly number[]): Promise<number[]> {
  const rows = await db
    .withRecursive('up(id)', (qb) =>
      qb
        .selectFrom('unit')
        .select('id')
        .where('id', 'in', unitIds)
        .union((qb2) => qb2.selectFrom('unit').innerJoin('up', 'up.id', 'unit.id').select((eb) => eb.ref('unit.parent_id').$notNull().as('id')).where('unit.parent_id', 'is not', null)),
    )
    .selectFrom('up')
    .select('id')
    .execute();
  return rows.map((r) => r.id);
}

/** Units a trainer trains, with the units below them. */
export async function unitsTrainedBy(db: Db, personId: number): Promise<number[]> {
  const direct = await db.selectFrom('unit_trainer').select('unit_id').where('person_id', '=', personId).execute();
  return unitsBelow(
    db,
    direct.map((r) => r.unit_id),
  );
}

/**
 * Each unit a person belonged to and when (`to` null while they still do), with the units above
 * it: a view of any of them covered the person then. For the access log of unit-wide reads.
 */
export async function membershipsWithUnitsAbove(db: Db, personId: number): Promise<{ unitIds: number[]; from: string; to: string | null }[]> {
  const [memberships, tree] = await Promise.all([
    db.selectFrom('person_unit').select(['unit_id as unitId', 'effective_from as from', 'effective_to as to']).where('person_id', '=', personId).execute(),
    db.selectFrom('unit').select(['id', 'parent_id']).execute(),
  ]);
  const parentOf = new Map(tree.map((u) => [u.id, u.parent_id]));
  return memberships.map((m) => {
    const unitIds: number[] = [];
    for (let unit: number | null | undefined = m.unitId; unit != null; unit = parentOf.get(unit)) unitIds.push(unit);
    return { unitIds, from: m.from, to: m.to };
  });
}
