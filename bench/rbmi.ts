// `npm run bench -- rbmi [--runs N] [--no-r] [--no-build]`: times the whole process
// `muster analyze rbmi --strategy JR` (conditional mean imputation, jackknife SE) on rbmi's
// antidepressant data (../shared/reference) and on a simulated 1,000-participant trial, with peak
// memory; where R with rbmi is installed, rbmi's own conditional-mean jackknife on the same files
// in the same run. Goal: at least 20 times faster than rbmi (about 31 s on antidepressant on the
// reference machine, so under ~1.5 s), peak memory under 500 MB.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/shared/random.ts';
import { build, measure, median } from './measure-process.ts';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const withR = !args.includes('--no-r');
const outDir = new URL('./out/', import.meta.url);
const reference = new URL('../../shared/reference/', import.meta.url);
/** rbmi's conditional-mean jackknife on antidepressant on the reference machine, for the ratio when R is absent. */
const RBMI_ANTIDEPRESSANT_SECONDS = 31;
const GOAL_RATIO = 20;
const GOAL_MEGABYTES = 500;

interface Trial {
  name: string;
  data: string;
  ice: string;
  columns: { subject: string; visit: string; outcome: string; arm: string; control: string; baseline: string };
}

/**
 * 1,000 participants x 6 visits, two arms, a numeric baseline, AR(1)-like residuals; about 25%
 * discontinue at a random visit after the first (their later outcomes are empty, and the ICE file
 * names the first visit without one), and 2% miss one visit in between (imputed under MAR).
 */
function simulateTrial(participants: number, visits: number, seed: number): { data: string; ice: string } {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = ['subject,visit,arm,baseline,change'];
  const events = ['subject,visit'];
  for (let s = 1; s <= participants; s++) {
    const arm = random() < 0.5 ? 'placebo' : 'active';
    const baseline = 20 + 4 * normal();
    const stop = random() < 0.25 ? 1 + Math.floor(random() * (visits - 1)) : visits;
    if (stop < visits) events.push(`S${s},V${stop + 1}`);
    const skipped = random() < 0.02 ? 1 + Math.floor(random() * (visits - 2)) : -1;
    let noise = 0;
    for (let v = 0; v < visits; v++) {
      noise = 0.6 * noise + 3 * normal();
      const change = -0.1 * baseline - 1.2 * v - (arm === 'active' ? 0.5 * v : 0) + noise;
      lines.push(`S${s},V${v + 1},${arm},${baseline.toFixed(2)},${v < stop && v !== skipped ? change.toFixed(3) : ''}`);
    }
  }
  return { data: `${lines.join('\n')}\n`, ice: `${events.join('\n')}\n` };
}

function hasRWithRbmi(): boolean {
  return spawnSync('Rscript', ['-e', 'library(rbmi)'], { encoding: 'utf8' }).status === 0;
}

/** rbmi's quickstart with conditional mean imputation and jackknife SE under JR, as reference-rbmi.json was made. */
const rbmiScript = `
args <- commandArgs(trailingOnly = TRUE)  # data, ice, subject, visit, outcome, arm, control, baseline
suppressMessages(library(rbmi))
d <- read.csv(args[1], stringsAsFactors = FALSE)
ice <- read.csv(args[2], stringsAsFactors = FALSE)
v <- list(subject = args[3], visit = args[4], outcome = args[5], arm = args[6], control = args[7], baseline = args[8])
d[[v$visit]] <- factor(d[[v$visit]], levels = unique(d[[v$visit]]))
d[[v$subject]] <- factor(d[[v$subject]])
d[[v$arm]] <- relevel(factor(d[[v$arm]]), ref = v$control)
ice[[v$visit]] <- as.character(ice[[v$visit]])
ice[[v$subject]] <- as.character(ice[[v$subject]])
ice$strategy <- "JR"
vars <- set_vars(outcome = v$outcome, visit = v$visit, subjid = v$subject, group = v$arm, strategy = "strategy",
                 covariates = c(paste0(v$baseline, "*", v$visit), paste0(v$arm, "*", v$visit)))
draw <- draws(data = d, data_ice = ice, vars = vars, method = method_condmean(type = "jackknife"))
imp <- impute(draw, references = setNames(rep(v$control, nlevels(d[[v$arm]])), levels(d[[v$arm]])))
ana <- analyse(imp, ancova, vars = set_vars(subjid = v$subject, outcome = v$outcome, visit = v$visit, group = v$arm,
                                            covariates = v$baseline))
print(pool(ana))
`;

function main(): void {
  mkdirSync(outDir, { recursive: true });
  build(args);
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const rAvailable = withR && hasRWithRbmi();
  console.log(rAvailable ? 'R with rbmi found' : `R with rbmi not available${withR ? '' : ' (--no-r)'}: rbmi skipped; ratios use its ${RBMI_ANTIDEPRESSANT_SECONDS} s on antidepressant measured on the reference machine`);
  if (rAvailable) writeFileSync(new URL('rbmi.R', outDir), rbmiScript);

  const simulated = simulateTrial(1000, 6, 2024);
  const simulatedData = new URL('rbmi-trial-1000x6.csv', outDir);
  const simulatedIce = new URL('rbmi-trial-1000x6-ice.csv', outDir);
  writeFileSync(simulatedData, simulated.data);
  writeFileSync(simulatedIce, simulated.ice);
  const trials: Trial[] = [
    {
      name: 'antidepressant (172 x 4)',
      data: fileURLToPath(new URL('antidepressant.csv', reference)),
      ice: fileURLToPath(new URL('antidepressant-ice.csv', reference)),
      columns: { subject: 'PATIENT', visit: 'VISIT', outcome: 'CHANGE', arm: 'THERAPY', control: 'PLACEBO', baseline: 'BASVAL' },
    },
    {
      name: 'simulated (1,000 x 6)',
      data: fileURLToPath(simulatedData),
      ice: fileURLToPath(simulatedIce),
      columns: { subject: 'subject', visit: 'visit', outcome: 'change', arm: 'arm', control: 'placebo', baseline: 'baseline' },
    },
  ];

  const summary: string[] = [];
  for (const trial of trials) {
    const commandArgs = [
      'bin/muster.js', 'analyze', 'rbmi', '--data', trial.data, '--ice', trial.ice, '--strategy', 'JR',
      ...Object.entries(trial.columns).flatMap(([name, value]) => [`--${name}`, value]), '--json',
    ];
    const measurements = Array.from({ length: runs }, () => measure(process.execPath, commandArgs)!);
    const result = JSON.parse(measurements[0].stdout) as { contrasts: { visit: string; estimate: number; se: number }[]; n_subjects: number };
    const last = result.contrasts[result.contrasts.length - 1];
    const seconds = median(measurements.map((m) => m.seconds));
    const cpu = measurements.every((m) => m.cpuSeconds !== null) ? median(measurements.map((m) => m.cpuSeconds as number)) : null;
    const peaks = measurements.map((m) => m.peakMegabytes).filter((m): m is number => m !== null);
    const peak = peaks.length > 0 ? Math.max(...peaks) : null;
    console.log(
      `muster ${trial.name}: ${seconds.toFixed(3)} s wall (median of ${runs}), ${cpu === null ? '?' : cpu.toFixed(3)} s CPU, ` +
        `peak ${peak === null ? '?' : peak.toFixed(0)} MB; ${result.n_subjects} subjects, last visit ${last.visit}: ${last.estimate.toFixed(4)} (SE ${last.se.toFixed(4)})`,
    );
    summary.push(`  ${trial.name.padEnd(26)} ${seconds.toFixed(3)} s wall  ${cpu === null ? '?' : cpu.toFixed(3)} s CPU  peak ${peak === null ? '?' : `${peak.toFixed(0)} MB`}`);
    let rbmiSeconds = trial === trials[0] ? RBMI_ANTIDEPRESSANT_SECONDS : null;
    if (rAvailable) {
      const columns = Object.values(trial.columns);
      const rbmi = measure('Rscript', [fileURLToPath(new URL('rbmi.R', outDir)), trial.data, trial.ice, ...columns]);
      rbmiSeconds = rbmi?.seconds ?? null;
      console.log(`rbmi   ${trial.name}: ${rbmiSeconds?.toFixed(3)} s whole process; ratio rbmi / muster ${((rbmiSeconds ?? NaN) / seconds).toFixed(1)}x`);
    }
    if (trial === trials[0] && rbmiSeconds !== null) {
      const ratio = rbmiSeconds / seconds;
      summary.push(
        `  goal: ${GOAL_RATIO}x faster than rbmi's ${rbmiSeconds.toFixed(1)} s (under ${(rbmiSeconds / GOAL_RATIO).toFixed(2)} s): ` +
          `${ratio >= GOAL_RATIO ? 'met' : 'NOT met'} (${ratio.toFixed(0)}x)`,
      );
    }
    if (peak !== null && peak >= GOAL_MEGABYTES) summary.push(`  peak memory under ${GOAL_MEGABYTES} MB: NOT met (${trial.name})`);
  }
  console.log('\nsummary', `\n${summary.join('\n')}`);
}

main();
