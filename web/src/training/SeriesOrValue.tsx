import { TimeSeriesChart, type DatedValue } from '../charts/TimeSeriesChart.tsx';

/**
 * A chart where it shows more than a number would: two values or more over time. One value is
 * said in words (a one-dot chart only hides it); none, nothing.
 */
export function SeriesOrValue({ title, description, yLabel, unit, points }: { title: string; description: string; yLabel: string; unit: string; points: readonly DatedValue[] }) {
  if (points.length === 0) return null;
  if (points.length === 1)
    return (
      <p className="single-value">
        <strong>{title}:</strong> {points[0].value} {unit} ({points[0].date.slice(0, 10)}). A chart follows once there is a second value.
      </p>
    );
  return <TimeSeriesChart title={title} description={description} yLabel={yLabel} points={points} />;
}
