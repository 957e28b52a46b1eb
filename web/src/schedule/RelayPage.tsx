import { Async, Page } from '../app/ui.tsx';
import { AppointmentTable } from './AppointmentTable.tsx';
import { EmailSetting } from './EmailSetting.tsx';
import { useAppointmentsAround } from './hooks.ts';
import { StepButton } from './StepButton.tsx';

/**
 * The trainer's part of the chain of command: summonses for their units' people to relay (or they
 * go down by themselves after the set delay), and every appointment of their units this fortnight.
 */
export function RelayPage() {
  const appointments = useAppointmentsAround(14);
  return (
    <Page title="Summonses to relay">
      <Async loaded={appointments}>
        {({ appointments: list }) => {
          const toRelay = list.filter((a) => a.status === 'ordered');
          return (
            <>
              <section aria-labelledby="to-relay" className="stack">
                <h2 id="to-relay">To relay ({toRelay.length})</h2>
                <AppointmentTable
                  label="Summonses to relay"
                  list={toRelay}
                  action={{ heading: 'Relay', cell: (a) => <StepButton id={a.id} step="relay" label={`Relay to ${a.person.designation}`} onDone={appointments.reload} /> }}
                />
              </section>
              <section aria-labelledby="units-appointments" className="stack">
                <h2 id="units-appointments">Your units' appointments</h2>
                <AppointmentTable label="Your units' appointments" list={list} />
              </section>
            </>
          );
        }}
      </Async>
      <EmailSetting />
    </Page>
  );
}
