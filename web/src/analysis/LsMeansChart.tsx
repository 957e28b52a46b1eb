import * as Plot from '@observablehq/plot';
import { useCallback } from 'react';
import { fixed, PlotFigure } from '../charts/PlotFigure.tsx';
import { bottomAxis, visitAxis } from './axes.ts';
import type { AnalysisResult } from './hooks.ts';

/** LS means per arm: over the visits with a confidence band (MMRM), or with error bars (ANCOVA). */
export function LsMeansChart({ result, unit }: { result: AnalysisResult; unit: string }) {
  const yLabel = `${result.outcome}, LS mean (${unit || 'units of the data'})`;
  const plot = useCallback(
    (width: number): Plot.PlotOptions => {
      const common = { height: Math.min(420, Math.max(260, width * 0.55)), marginLeft: 56, marginBottom: bottomAxis.marginBottom, y: { label: yLabel, grid: true }, color: { legend: true, label: 'Arm' } };
      if (result.kind !== 'ancova') {
        const axis = visitAxis(width, common.marginLeft, result.visits, `Visit (${result.visits.length} visits)`);
        return {
          ...common,
          marginBottom: axis.marginBottom,
          x: { type: 'point', domain: result.visits, padding: 0.2 },
          marks: [
            axis.mark,
            Plot.areaY(result.lsmeans, { x: 'visit', y1: 'lower', y2: 'upper', fill: 'arm', fillOpacity: 0.15 }),
            Plot.line(result.lsmeans, { x: 'visit', y: 'estimate', stroke: 'arm', strokeWidth: 2 }),
            Plot.dot(result.lsmeans, { x: 'visit', y: 'estimate', fill: 'arm', r: 4 }),
          ],
        };
      }
      return {
        ...common,
        x: { ...bottomAxis.x, type: 'band', label: 'Arm', padding: 0.4 },
        marks: [
          Plot.ruleX(result.lsmeans, { x: 'arm', y1: 'lower', y2: 'upper', stroke: 'arm', strokeWidth: 2 }),
          Plot.dot(result.lsmeans, { x: 'arm', y: 'estimate', fill: 'arm', r: 5 }),
        ],
      };
    },
    [result, yLabel],
  );
  const lsmeans = result.lsmeans as (AnalysisResult['lsmeans'][number] & { visit?: string })[];
  return (
    <PlotFigure
      title="LS means by arm"
      description={result.kind !== 'ancova' ? 'over the visits, with 95% confidence bands' : 'with 95% confidence intervals'}
      plot={plot}
      table={{
        columns: [...(result.kind !== 'ancova' ? ['Visit'] : []), 'Arm', `LS mean (${unit || 'units'})`, 'SE', 'df', '95% CI lower', '95% CI upper'],
        rows: lsmeans.map((m) => [...(m.visit !== undefined ? [m.visit] : []), m.arm, fixed(m.estimate), fixed(m.se), m.df === null ? 'normal' : fixed(m.df, 1), fixed(m.lower), fixed(m.upper)]),
      }}
    />
  );
}
