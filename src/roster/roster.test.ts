import { expect, it } from 'vitest';
import { systemActor } from '../shared/actor.ts';
import { write } from '../store/write.ts';
import { describeEachDatabase } from '../server/test-databases.ts';
import { checkRosterRow, parseRoles } from './model.ts';
import { chainOfCommand, getPerson, getUnit, movePerson, setUnitStaff, unitHistory, updatePerson } from './store.ts';
import { unitsBelow } from '../access/units.ts';
import { makePerson, makeUnit } from './testing.ts';

it('parses roles and checks roster rows', () => {
  expect(parseRoles('Trainer; assessor')).toEqual(['trainer', 'assessor']);
  expect(parseRoles('cook')).toMatch(/unknown role 'cook'/);
  expect(checkRosterRow({ designation: 'JB-007', name: 'J Bond', rank: 'Rct', unit: 'A', role: 'participant', sex: 'x', date_of_birth: '2001-13-01' }, 9)).toEqual([
    { line: 9, column: 'date_of_birth', reason: "'2001-13-01' is not a date YYYY-MM-DD" },
    { line: 9, column: 'sex', reason: "'x' is not female or male" },
  ]);
});

describeEachDatabase('roster store', (database) => {
  const as = systemActor('test');

  it('finds the chain of command upwards: trainers, then commanders of each unit above', async () => {
    const { db } = database();
    const company = await makeUnit(db, { kind: 'company' });
    const platoon = await makeUnit(db, { kind: 'platoon', parentId: company.id });
    const section = await makeUnit(db, { kind: 'section', parentId: platoon.id });
    const oc = await makePerson(db, { roles: ['investigator'], unitId: company.id });
    const pc = await makePerson(db, { roles: ['investigator'], unitId: platoon.id });
    const pti = await makePerson(db, { roles: ['trainer'], unitId: section.id });
    const recruit = await makePerson(db, { unitId: section.id });
    await write(db, as, async (w) => {
      await setUnitStaff(w, company.id, { commanderId: oc.id });
      await setUnitStaff(w, platoon.id, { commanderId: pc.id });
      await setUnitStaff(w, section.id, { trainerIds: [pti.id] });
    });
    const chain = await chainOfCommand(db, recruit.id);
    expect(chain.map((l) => [l.relation, l.person.id, l.level])).toEqual([
      ['trainer', pti.id, 0],
      ['commander', pc.id, 1],
      ['commander', oc.id, 2],
    ]);
    expect((await unitsBelow(db, [platoon.id])).sort()).toEqual([platoon.id, section.id].sort());
    // Strength counts participants in the unit and every unit below it.
    expect((await getUnit(db, company.id)).strength).toBe(1);
    expect((await getUnit(db, section.id)).strength).toBe(1);
  });

  it('keeps unit history with effective dates when a person moves', async () => {
    const { db } = database();
    const a = await makeUnit(db);
    const b = await makeUnit(db);
    const person = await makePerson(db, { unitId: a.id });
    await write(db, as, (w) => movePerson(w, person.id, b.id, new Date('2030-02-01T00:00:00Z'), 'posted'));
    expect((await getPerson(db, person.id)).unit?.id).toBe(b.id);
    const history = await unitHistory(db, person.id);
    expect(history.map((h) => [h.unitId, h.to])).toEqual([
      [a.id, '2030-02-01T00:00:00.000Z'],
      [b.id, null],
    ]);
    await expect(write(db, as, (w) => movePerson(w, person.id, b.id, new Date('2030-03-01T00:00:00Z')))).rejects.toThrow(/already in/);
    await expect(write(db, as, (w) => movePerson(w, person.id, a.id, new Date('2030-01-01T00:00:00Z')))).rejects.toThrow(/effectiveFrom/);
  });

  it('audits each change with before and after', async () => {
    const { db } = database();
    const person = await makePerson(db);
    await write(db, as, (w) => updatePerson(w, person.id, { status: 'injured', reason: 'stress fracture' }));
    const event = await db.selectFrom('audit_event').selectAll().where('action', '=', 'person.update').executeTakeFirstOrThrow();
    expect(JSON.parse(event.before_json!).status).toBe('active');
    expect(JSON.parse(event.after_json!).status).toBe('injured');
    expect(event.reason).toBe('stress fracture');
    expect(event.actor_label).toBe('system:test');
  });
});
