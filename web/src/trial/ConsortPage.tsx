import type { ResponseOf } from '../api/client.ts';
import { useApi } from '../app/useApi.ts';
import { Async, DataTable, Facts, Page } from '../app/ui.tsx';
import { TrialLink } from './TrialLink.tsx';

type Consort = ResponseOf<'/api/trials/{code}/consort'>;
type Flow = NonNullable<Consort['pooled']>;

const stages: readonly (readonly [string, (flow: Flow) => number])[] = [
  ['Allocated', (f) => f.allocated],
  ['Received the allocated intervention', (f) => f.received],
  ['Did not receive it', (f) => f.notReceived],
  ['Lost to follow-up', (f) => f.lostToFollowUp],
  ['Discontinued the intervention', (f) => f.discontinued],
  ['Analysed', (f) => f.analysed],
  ['Excluded from analysis', (f) => f.excludedFromAnalysis],
];

/** The CONSORT 2010 flow from the record: the diagram the server draws and its numbers, per arm for those who see arms, pooled otherwise. */
export function ConsortPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const consort = useApi('/api/trials/{code}/consort', { path: { code } });
  return (
    <Page title={`CONSORT: ${code}`}>
      <TrialLink code={code} />
      <Async loaded={consort}>
        {(c) => {
          const columns: readonly (readonly [string, Flow])[] = c.arms ? c.arms.map((a) => [a.arm, a] as const) : c.pooled ? [['All arms, pooled (blinded)', c.pooled]] : [];
          return (
            <>
              <h2>Enrolment</h2>
              <Facts
                items={[
                  ['Assessed for eligibility', String(c.assessed)],
                  ['Excluded', String(c.excluded.total)],
                  ['Not meeting inclusion criteria', String(c.excluded.reasons.notMeetingCriteria)],
                  ['Declined to participate', String(c.excluded.reasons.declinedToParticipate)],
                  ['Other reasons', String(c.excluded.reasons.otherReasons)],
                  ['Randomised', String(c.randomised)],
                ]}
              />
              <h2>Allocation, follow-up and analysis</h2>
              <DataTable label="CONSORT counts by stage" columns={['Stage', ...columns.map(([name]) => name)]} rows={stages.map(([stage, count]) => [stage, ...columns.map(([, flow]) => count(flow))])} />
              <h2>Flow diagram</h2>
              <figure className="figure">
                <img className="consort" src={`/api/trials/${encodeURIComponent(code)}/consort.svg`} alt={`CONSORT flow diagram of ${code}: the same numbers as the tables above`} />
              </figure>
            </>
          );
        }}
      </Async>
    </Page>
  );
}
