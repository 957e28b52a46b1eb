// The bench's baseline (bench/checkin.ts): a bare Fastify route that does one SQLite insert of a
// check-in, on the same pragmas as Muster's SQLite (WAL, synchronous=FULL), with a JSON body, so
// the ratio measures what Muster adds (its hooks, guard, checks, audit) over the floor.
// Usage: tsx bench/checkin/bare-server.ts FILE PORT
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';

const [file, port] = process.argv.slice(2);
const sqlite = new SQLite(file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('foreign_keys = ON');
sqlite.pragma('busy_timeout = 5000');
sqlite.pragma('synchronous = FULL');
sqlite.exec('create table if not exists bare_check_in (id integer primary key, badge text not null, idempotency_key text not null unique, at text not null, received_at text not null)');
const insert = sqlite.prepare('insert into bare_check_in (badge, idempotency_key, at, received_at) values (?, ?, ?, ?) returning id');

const app = Fastify({ logger: false });
app.post<{ Body: { badge: string; idempotencyKey: string; at?: string } }>('/bare/check-ins', async (request, reply) => {
  const received = new Date().toISOString();
  const { id } = insert.get(request.body.badge, request.body.idempotencyKey, request.body.at ?? received, received) as { id: number };
  return reply.status(201).send({ id });
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
console.log('ready');
