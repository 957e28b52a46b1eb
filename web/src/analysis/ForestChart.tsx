import * as Plot from '@observablehq/plot';
import { useCallback, useMemo } from 'react';
import { fixed, namedRowsAxis, PlotFigure } from '../charts/PlotFigure.tsx';
import { bottomAxis } from './axes.ts';
import type { AnalysisResponse, DecisionRule } from './hooks.ts';

const formatP = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

/** Each arm minus control (at each visit), with its 95% CI, against no difference and the rule's threshold. */
export function ForestChart({ response, unit, direction }: { response: Pick<AnalysisResponse, 'result' | 'verdict'>; unit: string; direction?: DecisionRule['direction'] }) {
  const { result, verdict } = response;
  // With one comparison at several visits the axis names the visit alone, so labels fit a narrow panel.
  const oneComparison = new Set(result.contrasts.map((c) => c.contrast)).size === 1;
  const rows = useMemo(
    () =>
      result.contrasts.map((c) => {
        const full = 'visit' in c ? `${c.contrast} at ${c.visit}` : c.contrast;
        return { ...c, full, label: 'visit' in c && oneComparison ? c.visit : full };
      }),
    [result, oneComparison],
  );
  // The rule's threshold is on the benefit scale; on the plotted difference scale it flips when lower is better.
  const threshold = verdict && verdict.threshold !== 0 ? (direction === 'lower' ? -verdict.threshold : verdict.threshold) : null;
  const plot = useCallback(
    (width: number): Plot.PlotOptions => {
      const names = namedRowsAxis(width, 220, 0.4);
      return {
        height: 78 + 36 * rows.length,
        marginLeft: names.marginLeft,
        marginBottom: bottomAxis.marginBottom,
        x: { ...bottomAxis.x, label: `Difference in ${result.outcome} (${unit || 'units of the data'}), 95% CI`, grid: true },
        y: { domain: rows.map((r) => r.label) },
        marks: [
          names.axis,
          Plot.ruleX([0], { stroke: '#555' }),
          ...(threshold !== null ? [Plot.ruleX([threshold], { stroke: '#b3261e', strokeDasharray: '4,3' })] : []),
          Plot.ruleY(rows, { y: 'label', x1: 'lower', x2: 'upper', strokeWidth: 2, stroke: '#1f4e9c' }),
          Plot.dot(rows, { y: 'label', x: 'estimate', fill: '#1f4e9c', r: 5, symbol: 'square' }),
        ],
      };
    },
    [rows, result.outcome, unit, threshold],
  );
  return (
    <PlotFigure
      title="Treatment differences"
      description={`${oneComparison ? rows[0]?.contrast ?? '' : `each arm minus ${result.control}`}${threshold !== null ? '; dashed red line: the rule’s margin' : ''}; grey line: no difference`}
      plot={plot}
      table={{
        columns: ['Comparison', `Estimate (${unit || 'units'})`, 'SE', 'df', '95% CI lower', '95% CI upper', 'p'],
        rows: rows.map((r) => [r.full, fixed(r.estimate), fixed(r.se), r.df === null ? 'normal' : fixed(r.df, 1), fixed(r.lower), fixed(r.upper), formatP(r.p)]),
      }}
    />
  );
}
