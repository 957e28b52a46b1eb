import { systemActor } from '../shared/actor.ts';
import { createSetupLink, hasAdmin } from '../auth/index.ts';
import { write } from '../store/write.ts';
import { isDatabaseEmpty, loadDemo } from '../demo/load.ts';
import { DEMO_PASSWORD } from '../auth/index.ts';
import { buildApp } from '../server/app.ts';
import { openConfiguredDatabase } from './database.ts';
import type { DatabaseOptions } from '../shared/cli-options.ts';

export interface ServeOptions extends DatabaseOptions {
  port?: string;
  host?: string;
}

export async function serve(options: ServeOptions & { demo: boolean }): Promise<void> {
  const port = Number(options.port ?? process.env.PORT ?? 8080);
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: '${options.port}' is not a port number`);
  const database = await openConfiguredDatabase(options);
  const baseUrl = `http://${host}:${port}`;

  if (options.demo && (await isDatabaseEmpty(database.db))) {
    const demo = await loadDemo(database.db);
    console.log(`Loaded the DEMO cohort (${demo.participants} participants; demo data, not real people).`);
    console.log(`Demo logins (password for all: ${DEMO_PASSWORD}):`);
    for (const login of demo.logins) console.log(`  ${login.username.padEnd(14)} ${login.role.padEnd(14)} ${login.who}`);
  } else if (!(await hasAdmin(database.db))) {
    const token = await write(database.db, systemActor('serve'), (w) => createSetupLink(w));
    console.log('This database has no admin yet. Create the first admin, once, with:');
    console.log(`  ${baseUrl}/setup?token=${token}`);
    console.log(`  (or POST ${baseUrl}/api/setup with {"token":"${token}","username":...,"password":...,"name":...})`);
  }

  const app = await buildApp({ database, logger: { level: process.env.LOG_LEVEL ?? 'info' }, secureCookies: process.env.MUSTER_SECURE_COOKIES === '1' });
  const shutdown = async () => {
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ port, host });
  console.log(`Muster ${app.muster.version} on ${baseUrl} (database: ${database.dialect} ${database.location}); API docs at ${baseUrl}/api/docs`);
}
