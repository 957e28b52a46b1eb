import * as Plot from '@observablehq/plot';
import { useCallback } from 'react';
import { PlotFigure, type FigureTable } from './PlotFigure.tsx';

export interface DatedValue {
  /** A calendar date, YYYY-MM-DD (or an ISO instant). */
  date: string;
  value: number;
  /** Values of different series (e.g. body fat by two equations) are never joined by one line. */
  series?: string;
}

/** One measure over time: a line with a dot per value; the table lists the values unless given another. */
export function TimeSeriesChart({ title, description, yLabel, points, yDomain, table }: { title: string; description: string; yLabel: string; points: readonly DatedValue[]; yDomain?: [number, number]; table?: FigureTable }) {
  const plot = useCallback(
    (width: number): Plot.PlotOptions => {
      const data = points.map((p) => ({ date: new Date(p.date), value: p.value, series: p.series ?? '' }));
      const split = new Set(data.map((p) => p.series)).size > 1;
      const colour = split ? { stroke: 'series' } : { stroke: '#1f4e9c' };
      return {
        height: Math.min(320, Math.max(220, width * 0.45)),
        marginLeft: 52,
        // Room above the top tick for the y axis's title.
        marginTop: 30,
        // Room for the last date's label; no "Date" axis label to collide with it (dates say what they are).
        marginRight: 28,
        x: { type: 'utc', label: null, nice: true },
        y: { label: yLabel, grid: true, ...(yDomain && { domain: yDomain }) },
        ...(split && { color: { legend: true } }),
        marks: [Plot.lineY(data, { x: 'date', y: 'value', z: 'series', ...colour, strokeWidth: 2 }), Plot.dot(data, { x: 'date', y: 'value', ...(split ? { fill: 'series' } : { fill: '#1f4e9c' }), r: 3 })],
      };
    },
    [points, yLabel, yDomain],
  );
  return <PlotFigure title={title} description={description} plot={plot} table={table ?? (points.some((p) => p.series) ? { columns: ['Date', yLabel, 'Series'], rows: points.map((p) => [p.date.slice(0, 10), p.value, p.series ?? '']) } : { columns: ['Date', yLabel], rows: points.map((p) => [p.date.slice(0, 10), p.value]) })} />;
}
