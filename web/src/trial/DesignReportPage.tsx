import { useState, type FormEvent } from 'react';
import type { ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Facts, Page } from '../app/ui.tsx';
import { fixed } from '../charts/PlotFigure.tsx';
import { field, useTrial } from './hooks.ts';
import { TrialLink } from './TrialLink.tsx';

type Assessment = ResponseOf<'/api/trials/{code}/design-report'>['protocol'];

const rows: readonly (readonly [string, (a: Assessment) => string])[] = [
  ['Imbalance overall (mean, 95th percentile, worst)', (a) => spread(a.imbalance.overall)],
  ['Imbalance within strata', (a) => spread(a.imbalance.withinStrata)],
  ['Imbalance within factor levels', (a) => spread(a.imbalance.withinFactorLevels)],
  ['Next allocation guessed right (convergence strategy)', (a) => `${fixed(a.correctGuesses * 100, 1)}%`],
];
const spread = (s: Assessment['imbalance']['overall']) => `${fixed(s.mean, 2)}, ${s.p95}, ${s.max}`;

/**
 * Before launch: what the protocol's allocation is expected to do, by seeded simulation over the
 * roster's participants (their units and sexes), beside simple randomisation. The server's own
 * sizes until the reader asks for others; the same protocol always gives the same report.
 */
export function DesignReportPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const trial = useTrial(code);
  const [asked, setAsked] = useState<{ runs?: number; participants?: number }>({});
  const report = useApi('/api/trials/{code}/design-report', { path: { code }, query: asked });
  function ask(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const runs = field(data, 'runs');
    const participants = field(data, 'participants');
    setAsked({ ...(runs && { runs: Number(runs) }), ...(participants && { participants: Number(participants) }) });
  }
  return (
    <Page title={`Design report: ${code}`}>
      <TrialLink code={code} />
      <Async loaded={trial}>
        {(t) => (
          <p className="muted">
            {t.status === 'draft'
              ? 'The protocol is a draft: this is the time to change its randomisation, before it is locked.'
              : `The protocol is locked (${t.status}): the report describes the design as it was fixed.`}
          </p>
        )}
      </Async>
      <form onSubmit={ask} className="card filters" aria-label="Simulation size">
        <label className="narrow">
          Participants per simulated trial (empty: the roster&rsquo;s)
          <input type="number" name="participants" min={1} max={20000} step={1} inputMode="numeric" />
        </label>
        <label className="narrow">
          Simulated trials (empty: 100)
          <input type="number" name="runs" min={1} max={1000} step={1} inputMode="numeric" />
        </label>
        <div>
          <button type="submit">Simulate</button>
        </div>
      </form>
      <div aria-live="polite">
        <Async loaded={report}>
          {(r) => (
            <>
              <Facts
                items={[
                  ['Allocation', r.method],
                  ['Participants per simulated trial', String(r.participants)],
                  ['Simulated trials', String(r.runs)],
                ]}
              />
              <DataTable label="Expected imbalance and predictability" columns={['', 'This protocol', 'Simple randomisation']} rows={rows.map(([name, value]) => [name, value(r.protocol), value(r.simpleRandomisation)])} />
              <p className="muted">Imbalance: the difference in participants between the arms. A guess rate near the chance of guessing an arm at random means the next allocation cannot be foreseen from the past ones.</p>
            </>
          )}
        </Async>
      </div>
    </Page>
  );
}
