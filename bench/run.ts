// `npm run bench -- NAME [args]` runs bench/NAME.ts; benchmarks are never part of `npm test`.
import { existsSync, readdirSync } from 'node:fs';

const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && f !== 'measure-process.ts')
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(new URL(`./${name}.ts`, import.meta.url))) {
  console.error(`usage: npm run bench -- <${available.join('|')}> [options]`);
  process.exit(2);
}
process.argv = [process.argv[0], process.argv[1], ...rest];
await import(`./${name}.ts`);
