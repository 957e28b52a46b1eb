/**
 * The browser tests' world: the datapad built once, a real Muster server on a fresh SQLite file
 * with the demo cohort (a copy of one freshly loaded demo database), and Debian's Chromium driven by playwright-core (never a downloaded
 * browser). Every page records console errors; `check` takes a screenshot, runs axe-core and measures the page's width.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { systemActor } from '../../src/shared/actor.ts';
import { createSetupLink } from '../../src/auth/store.ts';
import { write } from '../../src/store/write.ts';
import { loadDemo } from '../../src/demo/load.ts';
import { DEMO_PASSWORD } from '../../src/auth/demo.ts';
import { buildApp } from '../../src/server/app.ts';
import { openDatabase, type DatabaseHandle } from '../../src/store/db.ts';
import { migrateAll } from '../../src/capabilities.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The tests' own build of the datapad, not web/dist: `npm run build` elsewhere empties web/dist
 * while it rebuilds, which would pull the pages from under a running test.
 */
const webRoot = join(repo, 'test-results/datapad-build');
export const screenshotDir = join(repo, 'test-results/datapad');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const viewports = {
  phone: { width: 390, height: 844 },
  tablet: { width: 820, height: 1180 },
  desktop: { width: 1280, height: 800 },
} as const;

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/**
 * Makes something once for all test files running in parallel: the first to find it stale makes
 * it while the others wait on a lock directory. A lock left by a killed run expires.
 */
async function makeOnce(lock: string, stale: () => boolean, make: () => void | Promise<void>): Promise<void> {
  while (stale()) {
    try {
      mkdirSync(lock);
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > LOCK_EXPIRES_MS) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (stale()) await make();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

const LOCK_EXPIRES_MS = 180_000;

/** Builds the datapad for the tests when a source is newer than the last build. */
export async function ensureWebBuild(): Promise<void> {
  mkdirSync(dirname(webRoot), { recursive: true });
  const stale = () => {
    try {
      const built = statSync(join(webRoot, 'index.html')).mtimeMs;
      // src/assess/model.ts is the one server module the bundle contains (the protocol's rules); the rest are types.
      return ['web/src', 'web/index.html', 'web/vite.config.ts', 'src/assess/model.ts'].some((path) => newestChange(join(repo, path)) > built);
    } catch {
      return true;
    }
  };
  await makeOnce(`${webRoot}.lock`, stale, () => {
    // vitest sets NODE_ENV=test, which Vite would keep, bundling React's development build.
    const env = { ...process.env, NODE_ENV: 'production' };
    execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--outDir', webRoot, '--emptyOutDir', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit', env });
  });
}

const demoTemplate = join(repo, 'test-results/datapad-demo.db');

/**
 * A freshly loaded demo database as a file to copy: loading the demo takes seconds and every test
 * file needs one. Remade when the server code changes or the day does (the demo is dated from today).
 */
async function ensureDemoTemplate(): Promise<void> {
  const stale = () => {
    try {
      const made = statSync(demoTemplate).mtime;
      return made.toISOString().slice(0, 10) !== new Date().toISOString().slice(0, 10) || newestChange(join(repo, 'src')) > made.getTime();
    } catch {
      return true;
    }
  };
  await makeOnce(`${demoTemplate}.lock`, stale, async () => {
    const building = `${demoTemplate}.${process.pid}`;
    const database = openDatabase({ sqliteFile: building });
    await migrateAll(database.db);
    await loadDemo(database.db);
    await database.close();
    renameSync(building, demoTemplate);
  });
}

export interface World {
  url: string;
  browser: Browser;
  database: DatabaseHandle;
  /** On an empty world: the one-time token of the set-up link `muster serve` prints. */
  setupToken?: string;
  close(): Promise<void>;
}

/** Starting may wait for the one build of the app and of the demo database, made by whichever test file comes first. */
export const WORLD_START_TIMEOUT = 240_000;

/** `empty`: a new database with no admin and a set-up link, as `muster serve` starts (src/cli/serve.ts); otherwise the demo cohort. */
export async function startWorld(options: { empty?: boolean } = {}): Promise<World> {
  await ensureWebBuild();
  const dir = mkdtempSync(join(tmpdir(), 'muster-e2e-'));
  let setupToken: string | undefined;
  if (!options.empty) {
    await ensureDemoTemplate();
    copyFileSync(demoTemplate, join(dir, 'muster.db'));
  }
  const database = openDatabase({ sqliteFile: join(dir, 'muster.db') });
  if (options.empty) {
    await migrateAll(database.db);
    setupToken = await write(database.db, systemActor('serve'), (w) => createSetupLink(w));
  }
  const app: FastifyInstance = await buildApp({ database, webRoot });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  // playwright's launch gives the browser a fresh, temporary user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    url: `http://127.0.0.1:${address.port}`,
    browser,
    database,
    setupToken,
    close: async () => {
      await browser.close();
      await app.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Visit {
  page: Page;
  context: BrowserContext;
  /** Screenshot, accessibility check and no sideways scroll of the screen as it is now. */
  check(name: string): Promise<void>;
  /** Fails the test on any console error the test did not expect. */
  expectNoConsoleErrors(): void;
  /** Console errors matching this are part of the test (e.g. a refused request it makes on purpose). */
  expectConsoleError(pattern: RegExp): void;
  /** Opens the datapad signed out and signs in through the form, as a person would. */
  signIn(username: string, password?: string): Promise<void>;
}

/**
 * Signed out, the app's first question (GET /api/me) is answered 401, which Chromium logs as a
 * failed resource load. It is the only console error a normal start produces.
 */
export const signedOutStart = /status of 401 \(Unauthorized\) \(http:\/\/[^)]+\/api\/me\)/;

const axeSource = createRequire(import.meta.url)('axe-core').source as string;

/** A signed-out browser context at a viewport, with console errors collected. */
export async function visit(world: World, viewport: keyof typeof viewports = 'desktop'): Promise<Visit> {
  const context = await world.browser.newContext({ viewport: viewports[viewport], baseURL: world.url });
  // Fail a step within the test's time, with the step named, rather than time out the whole test.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  const expected: RegExp[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  mkdirSync(screenshotDir, { recursive: true });
  return {
    page,
    context,
    async check(name) {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
      // Issue 5: at every width the page itself never scrolls sideways; a wide table scrolls in its own region.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
      // page.evaluate is not subject to the page's content security policy, unlike a script tag.
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
        const result = await axe.run(document, { resultTypes: ['violations'] });
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      if (violations.length) writeFileSync(join(screenshotDir, `${name}.axe.txt`), violations.join('\n'));
      expect(violations, `accessibility of ${name}`).toEqual([]);
    },
    expectNoConsoleErrors() {
      expect(errors.filter((error) => !expected.some((pattern) => pattern.test(error)))).toEqual([]);
    },
    expectConsoleError(pattern) {
      expected.push(pattern);
    },
    async signIn(username, password = DEMO_PASSWORD) {
      expected.push(signedOutStart);
      await page.goto('/');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
    },
  };
}

/** Pairs of labels that overlap within one chart on the page ("a / b"), for the no-overlap checks. */
export function overlappingChartLabels(page: Page): Promise<string[]> {
  return page.locator('.plot svg').evaluateAll((svgs) =>
    svgs.flatMap((svg) => {
      const labels = [...svg.querySelectorAll('text')].filter((t) => t.textContent?.trim()).map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() }));
      return labels.flatMap((a, i) =>
        labels.slice(i + 1).filter((b) => Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top) > 0.5 && Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left) > 0.5).map((b) => `${a.text} / ${b.text}`),
      );
    }),
  );
}
