// Shared by the benches that time `muster` as a whole process (mmrm, rbmi); not a bench itself.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export const root = new URL('../', import.meta.url);

export interface Measurement {
  seconds: number;
  /** User + system CPU seconds of the child (GNU time): steadier than wall time on a busy machine. */
  cpuSeconds: number | null;
  peakMegabytes: number | null;
  stdout: string;
}

const hasTimeV = existsSync('/usr/bin/time');

/**
 * Runs a command as a child process; peak resident memory from GNU time -v where available.
 * With a time limit the command runs under timeout(1), which kills it (not only its parent)
 * when the limit passes; null then.
 */
export function measure(command: string, commandArgs: string[], timeoutSeconds?: number): Measurement | null {
  const limited: [string, string[]] = timeoutSeconds
    ? ['timeout', ['-s', 'KILL', String(timeoutSeconds), command, ...commandArgs]]
    : [command, commandArgs];
  const [file, fileArgs] = hasTimeV ? ['/usr/bin/time', ['-v', limited[0], ...limited[1]]] : limited;
  const started = performance.now();
  const result = spawnSync(file, fileArgs, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  // timeout(1) exits with 137 when it had to kill (128 + SIGKILL).
  if (timeoutSeconds && result.status === 137) return null;
  if (result.status !== 0) {
    throw new Error(`${command} ${commandArgs.join(' ')} exited with ${result.status}:\n${result.stderr}`);
  }
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(result.stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(result.stderr);
  return {
    seconds,
    cpuSeconds: user && system ? Number(user[1]) + Number(system[1]) : null,
    peakMegabytes: rss ? Number(rss[1]) / 1024 : null,
    stdout: result.stdout,
  };
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** `npm run build`, unless --no-build asks to time the dist/ already there. */
export function build(args: readonly string[]): void {
  if (args.includes('--no-build')) {
    console.log('--no-build: timing the existing dist/');
    return;
  }
  console.log('building (npm run build) ...');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed (--no-build times the existing dist/):\n${result.stdout}${result.stderr}`);
}
