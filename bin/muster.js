#!/usr/bin/env node
// The compiled CLI; `npm ci` builds it (prepare), `npm run build` refreshes it.
import { existsSync } from 'node:fs';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('muster is not built yet: run `npm run build` (npm ci does it for you).');
  process.exit(2);
}
await import(entry.href);
