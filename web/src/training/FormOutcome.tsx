/** What a form's last submission did: a success line, or the server's reason as an alert. Announced either way. */
export type Outcome = { ok: boolean; text: string } | null;

export function FormOutcome({ outcome }: { outcome: Outcome }) {
  return (
    <div aria-live="polite">
      {outcome &&
        (outcome.ok ? (
          <p className="success">{outcome.text}</p>
        ) : (
          <p role="alert" className="error">
            {outcome.text}
          </p>
        ))}
    </div>
  );
}

/** Runs a submission: its success line, or the reason it failed (the server's message names the field). */
export async function outcomeOf(submit: () => Promise<string>): Promise<Outcome> {
  try {
    return { ok: true, text: await submit() };
  } catch (failure) {
    return { ok: false, text: (failure as Error).message };
  }
}

/** A form's submit button with what its last submission did beneath it. */
export function SubmitWithOutcome({ label, outcome }: { label: string; outcome: Outcome }) {
  return (
    <>
      <button type="submit" className="primary">
        {label}
      </button>
      <FormOutcome outcome={outcome} />
    </>
  );
}
