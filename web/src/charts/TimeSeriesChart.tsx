import * as Plot from '@observablehq/plot';
import { useCallback } from 'react';
import { PlotFigure, type FigureTable } from './PlotFigure.tsx';

export interface DatedValue {
  /** A calendar date, YYYY-MM-DD (or an ISO instant). */
  date: string;
  value: number;
}

/** One measure over time: a line with a dot per value; the table lists the values unless given another. */
export function TimeSeriesChart({ title, description, yLabel, points, yDomain, table }: { title: string; description: string; yLabel: string; points: readonly DatedValue[]; yDomain?: [number, number]; table?: FigureTable }) {
  const plot = useCallback(
    (width: number): Plot.PlotOptions => {
      const data = points.map((p) => ({ date: new Date(p.date), value: p.value }));
      return {
        height: Math.min(320, Math.max(220, width * 0.45)),
        marginLeft: 52,
        x: { type: 'utc', label: 'Date', nice: true },
        y: { label: yLabel, grid: true, ...(yDomain && { domain: yDomain }) },
        marks: [Plot.lineY(data, { x: 'date', y: 'value', stroke: '#1f4e9c', strokeWidth: 2 }), Plot.dot(data, { x: 'date', y: 'value', fill: '#1f4e9c', r: 3 })],
      };
    },
    [points, yLabel, yDomain],
  );
  return <PlotFigure title={title} description={description} plot={plot} table={table ?? { columns: ['Date', yLabel], rows: points.map((p) => [p.date.slice(0, 10), p.value]) }} />;
}
