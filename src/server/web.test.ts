import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './test-databases.ts';
import { buildApp } from './app.ts';

describe('serving the datapad', () => {
  let database: TestDatabase;
  let root: string;
  beforeEach(async () => {
    database = await openTestDatabase('sqlite');
    root = mkdtempSync(join(tmpdir(), 'muster-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>datapad</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  });
  afterEach(async () => {
    await database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers app addresses with index.html, serves assets as immutable, and keeps JSON 404s under /api', async () => {
    const app = await buildApp({ database, webRoot: root });
    for (const url of ['/', '/people/3', '/units/1?x=2']) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toContain('<title>datapad</title>');
      expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(page.headers['cache-control']).toBe('no-cache');
    }
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toMatch(/immutable/);

    const missing = await app.inject({ method: 'GET', url: '/api/no-such-route' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    // The API itself still answers.
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    // A path that climbs out of the root gets the app, never a file outside it.
    const climbing = await app.inject({ method: 'GET', url: '/../../package.json' });
    expect(climbing.body).not.toContain('"name"');
    await app.close();
  });

  it('serves the API alone when there is no build', async () => {
    const app = await buildApp({ database, webRoot: join(root, 'missing') });
    expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    await app.close();
  });
});
