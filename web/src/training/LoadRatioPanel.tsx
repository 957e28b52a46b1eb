import { Async, DataTable } from '../app/ui.tsx';
import type { Loaded } from '../app/useApi.ts';
import { fixed } from '../charts/PlotFigure.tsx';
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx';
import type { LoadHistory } from './hooks.ts';

/**
 * A person's acute:chronic workload ratio (EWMA) day by day, and each week's load, monotony and
 * strain (Foster 1998): what the load-ratio flag is computed from (docs/training.md).
 */
export function LoadRatioPanel({ load }: { load: Loaded<LoadHistory> }) {
  return (
    <section aria-labelledby="load-ratio-heading">
      <h2 id="load-ratio-heading">Load ratio, monotony and strain</h2>
      <Async loaded={load}>
        {({ days, weeks, windows }) => {
          const ratios = days.flatMap((d) => (d.acwrEwma === null ? [] : [{ date: d.date, value: fixed(d.acwrEwma, 2) }]));
          return (
            <>
              {ratios.length > 1 ? (
                <TimeSeriesChart
                  title="Acute:chronic workload ratio"
                  description={`EWMA of the last ${windows.acuteDays} days against the last ${windows.chronicDays}; above their own usual range is flagged`}
                  yLabel="Ratio (acute ÷ chronic)"
                  points={ratios}
                />
              ) : (
                <p>Not enough training yet for a load ratio.</p>
              )}
              {weeks.length > 0 && (
                <DataTable
                  label="Weekly load, monotony and strain"
                  columns={['Week from', 'Days', 'Load (AU)', 'Monotony', 'Strain (AU)']}
                  rows={[...weeks].reverse().map((w) => [w.weekStart, w.days, Math.round(w.load), w.monotony === null ? '—' : fixed(w.monotony, 2), w.strain === null ? '—' : Math.round(w.strain)])}
                  rowKey={(i) => weeks[weeks.length - 1 - i].weekStart}
                />
              )}
            </>
          );
        }}
      </Async>
    </section>
  );
}
