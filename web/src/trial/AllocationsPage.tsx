import { useApi } from '../app/useApi.ts';
import { Async, DataTable, formatInstant, Page } from '../app/ui.tsx';
import { TrialLink } from './TrialLink.tsx';

/** Allocations in order of enrolment: kit codes for everyone, the arm column only when the server sends arms (seesArms). */
export function AllocationsPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const allocations = useApi('/api/trials/{code}/allocations', { path: { code } });
  return (
    <Page title={`Allocations: ${code}`}>
      <TrialLink code={code} />
      <Async loaded={allocations}>
        {({ allocations: list }) => {
          const withArms = list.some((a) => a.arm !== undefined);
          return (
            <>
              <p className="muted">
                {list.length} randomised. {withArms ? 'You see arms.' : 'Blinded: kit codes only.'}
              </p>
              <DataTable
                label="Allocations"
                columns={['Slot', 'Participant', 'Kit', ...(withArms ? ['Arm'] : []), 'Randomised']}
                rowKey={(i) => list[i].sequence}
                rows={list.map((a) => [a.sequence, a.participant.designation, a.kitCode, ...(withArms ? [a.arm ?? '—'] : []), formatInstant(a.randomisedAt)])}
              />
            </>
          );
        }}
      </Async>
    </Page>
  );
}
