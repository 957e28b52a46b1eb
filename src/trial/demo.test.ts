import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliDatabase, muster } from '../cli/testing.ts';
import { sha256Hex } from '../shared/canonical-json.ts';
import { dialects } from '../server/test-databases.ts';
import { iceFile } from './analysis-commands.ts';
import { DEMO_EFFECT_KG } from './demo.ts';

describe.each(dialects)('the demo trial and `muster trial analyse` [%s]', (dialect) => {
  it("recovers the demo's simulated effect, and `muster analyze` on the export gives the same analysis byte for byte", { timeout: 300_000 }, async () => {
    const database = await cliDatabase(dialect);
    try {
      expect((await muster(['demo'], { env: database.env })).status).toBe(0);
      const file = join(mkdtempSync(join(tmpdir(), 'muster-trial-')), 'whey.csv');
      const analysed = await muster(['trial', 'analyse', 'WHEY-01', '--json', '--export', file], { env: database.env });
      expect(analysed.status, analysed.stderr).toBe(0);
      const output = JSON.parse(analysed.stdout);
      expect(Object.keys(output)).toEqual(['command', 'analysis', 'verdict', 'protocol_version', 'protocol_sha256', 'dataset_sha256', 'estimand', 'sensitivity']);
      expect(output.command).toEqual({
        kind: 'mmrm',
        subject: 'participant',
        visit: 'visit',
        visits: 'week 4,week 8,week 12',
        outcome: 'lean_mass_kg',
        arm: 'arm',
        control: 'placebo',
        baseline: 'baseline',
        covariates: 'sex',
        covariance: 'us',
        method: 'reml',
      });
      expect(output.dataset_sha256).toBe(sha256Hex(readFileSync(file)));
      expect(output.protocol_version).toBe(1);
      expect(output.protocol_sha256).toMatch(/^[0-9a-f]{64}$/);

      const { kind, ...options } = output.command as Record<string, string>;
      const flags = Object.entries(options).flatMap(([name, value]) => [`--${name}`, value]);
      const rerun = await muster(['analyze', kind, '--data', file, ...flags, '--json']);
      expect(rerun.status, rerun.stderr).toBe(0);
      expect(rerun.stdout).toBe(`${JSON.stringify(output.analysis)}\n`);

      const week12 = output.analysis.contrasts.find((c: { visit: string }) => c.visit === 'week 12');
      expect(week12.contrast).toBe('whey - placebo');
      expect(week12.lower).toBeLessThan(DEMO_EFFECT_KG);
      expect(week12.upper).toBeGreaterThan(DEMO_EFFECT_KG);
      expect(output.verdict.met).toBe(true);
      // The verdict names the estimand after the rule's sentence, which is unchanged.
      expect(output.verdict.sentence).toMatch(/^Whey beats placebo on lean mass at week 12 by \d\.\d\d kg .*superiority shown\. Estimand: difference in means \(whey - placebo\) of lean mass .*; withdrawal: hypothetical \(MAR\);/);
      expect(output.estimand).toMatchObject({ population: expect.any(String), summary_measure: 'difference in means (whey - placebo)', intercurrent_events: expect.arrayContaining([expect.objectContaining({ event: 'withdrew', strategy: 'hypothetical', imputation: 'MAR' })]) });
      expect(output.estimand.sentence).toBe(output.verdict.sentence.slice(output.verdict.sentence.indexOf('Estimand: ')));

      // Each sensitivity analysis is `muster analyze` on the export and its events file, byte for byte.
      expect(output.sensitivity.map((s: { name: string }) => s.name)).toEqual(['jump to reference', 'tipping point']);
      for (const [index, sensitivity] of (output.sensitivity as { command: Record<string, string>; analysis: unknown; ice_sha256: string; verdict: { met: boolean } }[]).entries()) {
        const ice = iceFile(file, index);
        expect(sensitivity.ice_sha256).toBe(sha256Hex(readFileSync(ice)));
        const { kind: rbmi, ...rest } = sensitivity.command;
        expect(rbmi).toBe('rbmi');
        const rbmiFlags = Object.entries(rest).flatMap(([name, value]) => (value === 'true' ? [`--${name}`] : [`--${name}`, value]));
        const again = await muster(['analyze', 'rbmi', '--data', file, '--ice', ice, ...rbmiFlags, '--json']);
        expect(again.status, again.stderr).toBe(0);
        expect(again.stdout).toBe(`${JSON.stringify(sensitivity.analysis)}\n`);
        expect(sensitivity.verdict.met).toBe(true);
      }
      expect(output.sensitivity[0].command).toMatchObject({ strategy: 'JR', method: 'jackknife', visits: 'week 4,week 8,week 12' });
      expect(output.sensitivity[1].analysis.tipping_point).toMatchObject({ visit: 'week 12', contrast: 'whey - placebo', significant: true });
      // The participant who withdrew and refused the use of their data is not in the file.
      const csv = readFileSync(file, 'utf8');
      expect(csv.split('\n')[0]).toBe('participant,arm,visit,lean_mass_kg,baseline,sex');
      expect(output.analysis.n_subjects).toBeGreaterThan(45);
    } finally {
      await database.drop();
    }
  });
});
