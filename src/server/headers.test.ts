import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from './test-databases.ts';
import { buildApp } from './app.ts';

const policy = "default-src 'self';img-src 'self' data:;style-src 'self' 'unsafe-inline';object-src 'none';base-uri 'none';frame-ancestors 'none'";

// Issue 14: /index.html came without the policy that / had, and /api/* and /api/docs without nosniff, framing protection or cache control.
describeEachDatabase('security headers on every answer', (database) => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'muster-web-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>datapad</title>');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('carries the policy, nosniff and framing refused on the datapad, the API (errors too) and the API docs; no-store on /api', async () => {
    const app = await buildApp({ database: database(), webRoot: root });
    const paths: [string, number][] = [
      ['/', 200],
      ['/index.html', 200],
      ['/people/3', 200],
      ['/api/health', 200],
      ['/api/me', 401],
      ['/api/no-such-route', 404],
      ['/api/openapi.json', 200],
      ['/api/docs', 200],
      ['/api/docs/static/swagger-initializer.js', 200],
    ];
    for (const [url, status] of paths) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(status);
      expect(response.headers['content-security-policy'], url).toBe(policy);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      if (url.startsWith('/api')) expect(response.headers['cache-control'], url).toBe('no-store');
    }
    // Swagger UI's page loads only its own scripts, which the policy admits.
    const docs = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.body).toContain('swagger-ui-bundle.js');
    expect(docs.body).not.toMatch(/<script>|<script [^>]*>[^<\s]/);
    // A refusal before any route runs (a bad path id) carries them too.
    const refused = await app.inject({ method: 'GET', url: '/api/people/0x10' });
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    expect(refused.headers['cache-control']).toBe('no-store');
    await app.close();
  });
});
