import { Async, Page } from '../app/ui.tsx';
import { useTrial } from './hooks.ts';
import { StatusChange } from './ManagePage.tsx';
import { TrialLink } from './TrialLink.tsx';

const notYet = { draft: 'is a draft', recruiting: 'is still recruiting: the investigator closes recruitment first' } as const;

/** The statistician unblinds a closed trial with the reason: from then on every role sees the arms and the seed is revealed. */
export function UnblindPage({ params }: { params: Record<string, string> }) {
  const { code } = params;
  const trial = useTrial(code);
  return (
    <Page title={`Unblind: ${code}`}>
      <TrialLink code={code} />
      <Async loaded={trial}>
        {(t) =>
          t.status === 'closed' ? (
            <>
              <p>Recruitment is closed. Unblinding shows every role the arms and reveals the seed, so anyone can replay the allocations. It cannot be undone.</p>
              <StatusChange code={code} action="unblind" label="Unblind the trial" onDone={trial.reload} />
            </>
          ) : t.status === 'unblinded' ? (
            <p className="digest">
              {code} is unblinded. The seed is <code>{t.seed}</code>.
            </p>
          ) : (
            <p>
              {code} {notYet[t.status]}; a trial is unblinded once closed.
            </p>
          )
        }
      </Async>
    </Page>
  );
}
