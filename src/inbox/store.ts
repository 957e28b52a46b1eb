import type { Db } from '../store/db.ts';
import type { Writer } from '../store/write.ts';
import { notFound } from '../shared/errors.ts';
import type { Message } from './model.ts';

/** Puts a message in each person's inbox, in the writer's transaction, with one audit event. */
export async function notify(w: Writer, personIds: readonly number[], message: Message): Promise<void> {
  const recipients = [...new Set(personIds)];
  if (recipients.length === 0) return;
  const at = w.now.toISOString();
  await w.db
    .insertInto('notification')
    .values(recipients.map((person_id) => ({ person_id, kind: message.kind, subject: message.subject, body: message.body, link: message.link ?? null, created_at: at })))
    .execute();
  await w.record({ action: 'inbox.notify', entity: 'notification', entityId: message.kind, after: { recipients, subject: message.subject } });
}

/** People who hold a role, e.g. every investigator to tell of a serious adverse event. */
export async function peopleWithRole(db: Db, role: string): Promise<number[]> {
  return (await db.selectFrom('person_role').select('person_id').where('role', '=', role as never).orderBy('person_id').execute()).map((r) => r.person_id);
}

export async function listInbox(db: Db, personId: number, limit: number) {
  const rows = await db
    .selectFrom('notification')
    .select(['id', 'kind', 'subject', 'body', 'link', 'created_at as createdAt', 'read_at as readAt'])
    .where('person_id', '=', personId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const unread = await db.selectFrom('notification').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', personId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return { messages: rows, unread: Number(unread.n) };
}

export async function markRead(w: Writer, personId: number, id: number): Promise<void> {
  const row = await w.db.selectFrom('notification').select(['id', 'read_at']).where('id', '=', id).where('person_id', '=', personId).executeTakeFirst();
  if (!row) throw notFound(`message ${id}`);
  if (row.read_at !== null) return;
  await w.db.updateTable('notification').set({ read_at: w.now.toISOString() }).where('id', '=', id).execute();
  await w.record({ action: 'inbox.read', entity: 'notification', entityId: id });
}
