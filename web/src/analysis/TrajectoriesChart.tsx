import * as Plot from '@observablehq/plot';
import { useCallback, useMemo } from 'react';
import { PlotFigure } from '../charts/PlotFigure.tsx';
import { parseCsv } from './csv.ts';
import { visitAxis } from './axes.ts';
import type { AnalysisRequest, MmrmResult } from './hooks.ts';

interface Observation {
  subject: string;
  arm: string;
  visit: string;
  value: number;
}

/** Each subject's observed outcome over the analysed visits, one faint line per subject, coloured by arm. */
export function TrajectoriesChart({ request, data: text, result, unit }: { request: Extract<AnalysisRequest, { model: 'mmrm' }>; data: string; result: MmrmResult; unit: string }) {
  const observations = useMemo(() => {
    const data = parseCsv(text);
    const column = (name: string) => data.header.indexOf(name);
    const [s, a, v, y] = [column(request.subject), column(request.arm), column(request.visit), column(request.outcome)];
    const visits = new Set(result.visits);
    return data.rows
      .filter((row) => row[y]?.trim() !== '' && visits.has(row[v]))
      .map((row): Observation => ({ subject: row[s], arm: row[a], visit: row[v], value: Number(row[y]) }))
      .filter((o) => Number.isFinite(o.value));
  }, [request, text, result]);
  const plot = useCallback(
    (width: number): Plot.PlotOptions => {
      const axis = visitAxis(width, 56, result.visits, 'Visit');
      return {
        height: Math.min(420, Math.max(260, width * 0.55)),
        marginLeft: 56,
        marginBottom: axis.marginBottom,
        x: { type: 'point', domain: result.visits, padding: 0.2 },
        y: { label: `${result.outcome}, observed (${unit || 'units of the data'})`, grid: true },
        color: { legend: true, label: 'Arm' },
        marks: [
          axis.mark,
          Plot.line(observations, { x: 'visit', y: 'value', z: 'subject', stroke: 'arm', strokeOpacity: 0.35 }),
          Plot.dot(observations, { x: 'visit', y: 'value', fill: 'arm', r: 1.5, fillOpacity: 0.6 }),
        ],
      };
    },
    [observations, result, unit],
  );
  const subjects = new Set(observations.map((o) => o.subject)).size;
  return (
    <PlotFigure
      title="Individual trajectories"
      description={`${subjects} subjects, observed values`}
      plot={plot}
      table={{ columns: ['Subject', 'Arm', 'Visit', `${result.outcome} (${unit || 'units'})`], rows: observations.map((o) => [o.subject, o.arm, o.visit, o.value]) }}
    />
  );
}

