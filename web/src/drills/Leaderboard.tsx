import { Async, DataTable } from '../app/ui.tsx';
import type { Loaded } from '../app/useApi.ts';
import { passLabel, type useLeaderboard } from './hooks.ts';

/** A unit's board for one drill: best time per participant, ties share a rank; those who opted out appear without their name. */
export function Leaderboard({ board, unitName }: { board: Loaded<NonNullable<ReturnType<typeof useLeaderboard>['data']>>; unitName: string }) {
  return (
    <Async loaded={board}>
      {({ drill, entries }) =>
        entries.length === 0 ? (
          <p className="muted">No attempts at {drill.name} in {unitName} yet.</p>
        ) : (
          <DataTable
            label={`Leaderboard: ${drill.name}, ${unitName}`}
            columns={['Rank', 'Participant', 'Best time', `Standard ${drill.standard}`, 'Date']}
            rowKey={(i) => `${entries[i].rank}-${i}`}
            rows={entries.map((e) => [
              e.rank,
              // Designation above the name: a narrower column, so the best time is in view on a phone.
              e.person ? (
                <>
                  {e.person.designation} <br />
                  {`${e.person.rank} ${e.person.name}${e.you ? ' (you)' : ''}`}
                </>
              ) : (
                'Name withheld'
              ),
              e.time,
              passLabel(e.passed),
              e.date,
            ])}
          />
        )
      }
    </Async>
  );
}
