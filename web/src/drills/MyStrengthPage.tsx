import { useMe } from '../app/session.tsx';
import { Async, Page } from '../app/ui.tsx';
import { SeriesOrValue } from '../training/SeriesOrValue.tsx';
import { useStrengthTests, type StrengthTest } from './hooks.ts';

/** The participant's strength tests over time: one chart per test and side (best trial), each with its table of numbers. */
export function MyStrengthPage() {
  const me = useMe();
  const tests = useStrengthTests(me.personId);
  return (
    <Page title="My strength tests">
      <Async loaded={tests}>{(data) => (data.tests.length ? <StrengthSeries tests={data.tests} /> : <p>No strength tests yet.</p>)}</Async>
    </Page>
  );
}

/** Results grouped by test, exercise and side: "Handgrip dynamometry, left hand"; the staff's page of a person shows the same. */
export function StrengthSeries({ tests }: { tests: StrengthTest[] }) {
  const series = new Map<string, { unit: string; points: { date: string; value: number }[] }>();
  for (const test of tests) {
    for (const result of test.results) {
      const name = [test.protocol.name, test.exercise?.name, result.side === 'both' ? null : `${result.side} hand`].filter(Boolean).join(', ');
      const entry = series.get(name) ?? { unit: result.unit, points: [] };
      entry.points.push({ date: test.at.date, value: result.best });
      series.set(name, entry);
    }
  }
  return (
    <div className="columns">
      {[...series].map(([name, { unit, points }]) => (
        <SeriesOrValue key={name} title={name} description={`the best trial of each test, in ${unit}`} yLabel={`Best (${unit})`} unit={unit} points={points} />
      ))}
    </div>
  );
}
