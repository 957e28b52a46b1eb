import { useMemo } from 'react';
import { Async } from '../app/ui.tsx';
import { TimeSeriesChart } from '../charts/TimeSeriesChart.tsx';
import { methodNames } from '../../../src/assess/model.ts';
import { series, useAssessments, type Assessment } from './hooks.ts';

const methodOf = (a: Assessment) => (a.method ? methodNames[a.method] : undefined);

/** A person's physique over time: body mass, body fat and lean mass, each with the equation that produced it. */
export function MeasurementsPanel({ personId }: { personId: number }) {
  const assessments = useAssessments(personId);
  const charts = useMemo(() => {
    const list = assessments.data?.assessments ?? [];
    return {
      mass: series(list, (a) => a.sites.find((s) => s.site === 'body_mass')?.value),
      // Results of different equations (7-site and 3-site skinfolds, a DXA scan) are not one line.
      fat: series(list, (a) => a.derived.bodyFatPercent?.value, methodOf),
      lean: series(list, (a) => a.derived.leanMass?.value, methodOf),
      equations: [...new Set(list.map((a) => a.derived.bodyFatPercent?.equation).filter(Boolean))].join('; '),
    };
  }, [assessments.data]);
  return (
    <Async loaded={assessments}>
      {(data) =>
        data.assessments.length === 0 ? (
          <p>No physique assessments yet.</p>
        ) : (
          <div className="columns wide">
            <TimeSeriesChart title="Body mass" description={`${charts.mass.length} assessments`} yLabel="Body mass (kg)" points={charts.mass} />
            {charts.fat.length > 0 && <TimeSeriesChart title="Body fat" description={charts.equations} yLabel="Body fat (% of body mass)" points={charts.fat} />}
            {charts.lean.length > 0 && <TimeSeriesChart title="Lean mass" description="body mass minus fat mass" yLabel="Lean mass (kg)" points={charts.lean} />}
          </div>
        )
      }
    </Async>
  );
}
