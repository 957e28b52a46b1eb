// The web bench's database (`npm run bench -- web` builds it; `npm run bench -- writes` writes to it):
// one per cohort size and weeks of history, a SQLite file under bench/out/web/ or a schema of the
// PostgreSQL server of DATABASE_URL (default the local test database) with --postgres.
export interface WebBenchDatabase {
  participants: number;
  weeks: number;
  sqliteFile: string;
  /** Set with --postgres. */
  postgresUrl?: string;
  pgSchema: string;
}

export const benchOption = (args: readonly string[], name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);

export const webOutDir = new URL('../out/web/', import.meta.url).pathname;

export function webBenchDatabase(args: readonly string[]): WebBenchDatabase {
  const participants = benchOption(args, '--participants', 10_000);
  const weeks = benchOption(args, '--weeks', 52);
  return {
    participants,
    weeks,
    sqliteFile: `${webOutDir}web-${participants}-${weeks}w.db`,
    postgresUrl: args.includes('--postgres') ? (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') : undefined,
    pgSchema: `bench_web_${participants}_${weeks}w`,
  };
}
