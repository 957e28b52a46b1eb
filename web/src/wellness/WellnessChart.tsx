import { useMemo } from 'react';
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx';
import type { WellnessHistory } from './hooks.ts';

const scoreRange: [number, number] = [4, 28];

/** The wellness score over time (4 worst to 28 best), with every item in the table. */
export function WellnessChart({ reports }: { reports: WellnessHistory['reports'] }) {
  const points = useMemo(() => reports.map((r) => ({ date: r.date, value: r.score })), [reports]);
  return (
    <TimeSeriesChart
      title="Wellness over time"
      description={`${reports.length} daily reports`}
      yLabel="Wellness score (points, 4 worst to 28 best)"
      yDomain={scoreRange}
      points={points}
      table={{
        columns: ['Date', 'Score (4-28)', 'Sleep quality', 'Fatigue', 'Stress', 'Soreness', 'Hours slept'],
        rows: [...reports].reverse().map((r) => [r.date, r.score, r.sleepQuality, r.fatigue, r.stress, r.soreness, r.hoursSlept]),
      }}
    />
  );
}
