import * as Plot from '@observablehq/plot';
import { useCallback } from 'react';
import { fixed, PlotFigure } from '../charts/PlotFigure.tsx';
import { bottomAxis } from './axes.ts';
import type { TippingPoint } from './hooks.ts';

const formatP = (p: number) => (p < 0.001 ? '< 0.001' : p.toFixed(3));

/**
 * The tipping-point analysis of reference-based imputation: the contrast at the last visit, with its
 * 95% CI, as the imputed values of the shifted arm move by delta; the delta where the 5% verdict
 * flips (the CI reaches 0) is marked.
 */
export function TippingPointChart({ tipping, unit, deltaArm }: { tipping: TippingPoint; unit: string; deltaArm: string | null }) {
  const units = unit || 'units of the data';
  const flips = tipping.delta;
  const plot = useCallback(
    (width: number): Plot.PlotOptions => ({
      height: Math.min(380, Math.max(240, width * 0.5)),
      marginLeft: 56,
      marginBottom: bottomAxis.marginBottom,
      x: { ...bottomAxis.x, label: `Delta added to ${deltaArm ?? 'the arm'}'s imputed values (${units})`, grid: true },
      y: { label: `${tipping.contrast} at ${tipping.visit} (${units}), 95% CI`, grid: true },
      marks: [
        Plot.areaY(tipping.scan, { x: 'delta', y1: 'lower', y2: 'upper', fill: '#1f4e9c', fillOpacity: 0.15 }),
        Plot.line(tipping.scan, { x: 'delta', y: 'estimate', stroke: '#1f4e9c', strokeWidth: 2 }),
        Plot.dot(tipping.scan, { x: 'delta', y: 'estimate', fill: '#1f4e9c', r: 3 }),
        Plot.ruleY([0], { stroke: '#555' }),
        ...(flips !== null
          ? [
              Plot.ruleX([flips], { stroke: '#b3261e', strokeDasharray: '4,3', strokeWidth: 2 }),
              // The scan runs to twice the tipping point, so the line sits mid-plot: the label goes to its left.
              Plot.text([flips], { x: (d: number) => d, frameAnchor: 'top', dy: 6, dx: -4, textAnchor: 'end', fill: '#b3261e', text: (d: number) => `verdict flips at ${d.toFixed(2)}` }),
            ]
          : []),
      ],
    }),
    [tipping, units, deltaArm, flips],
  );
  const verdict = tipping.significant ? 'significant at the 5% level' : 'not significant at the 5% level';
  return (
    <PlotFigure
      title="Tipping point"
      description={`${tipping.contrast} at ${tipping.visit} is ${verdict}; ${flips === null ? 'no delta changes that' : `a delta of ${flips.toFixed(2)} ${unit} changes that (dashed red line)`}; grey line: no difference`}
      plot={plot}
      table={{
        columns: [`Delta (${unit || 'units'})`, 'Estimate', 'SE', '95% CI lower', '95% CI upper', 'p'],
        rows: tipping.scan.map((row) => [fixed(row.delta), fixed(row.estimate), fixed(row.se), fixed(row.lower), fixed(row.upper), formatP(row.p)]),
      }}
    />
  );
}
