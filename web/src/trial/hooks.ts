/** What the trial's screens share: the trial's tasks from the server's menu, and forms that show what they sent. */
import { useState, type FormEvent } from 'react';
import { useApi } from '../app/useApi.ts';
import { useMe } from '../app/session.tsx';
import { outcomeOf, type Outcome } from '../training/FormOutcome.tsx';

/** Where a trial's own screens hang: the manifest's entries under this prefix name a task of the trial. */
export const TRIAL_TASK_PREFIX = '/trials/:code/';

/** The tasks of a trial the signed-in roles may open: the server's menu entries under /trials/:code/, with the code filled in. */
export function useTrialTasks(code: string): { path: string; label: string }[] {
  const me = useMe();
  return me.screens.filter((screen) => screen.path.startsWith(TRIAL_TASK_PREFIX)).map((screen) => ({ path: screen.path.replace(':code', encodeURIComponent(code)), label: screen.label }));
}

/** Whether the server offers this trial task to the signed-in roles (so a screen can link to it). */
export function useOffers(taskPath: string): boolean {
  return useMe().screens.some((screen) => screen.path === taskPath);
}

export const useTrial = (code: string) => useApi('/api/trials/{code}', { path: { code } });

/** The fields a form sent, as label and value, shown beside the server's answer. */
export type Sent = readonly (readonly [string, string])[];

/**
 * A form that reads its fields once on submit, shows exactly what it sent, and then the server's
 * answer or its refusal in words; the form clears only when the server took it.
 */
export function useSendingForm<B>(read: (data: FormData) => { body: B; sent: Sent }, send: (body: B) => Promise<string>) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  const [busy, setBusy] = useState(false);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const { body, sent: shown } = read(new FormData(form));
    setSent(shown);
    setBusy(true);
    const result = await outcomeOf(() => send(body));
    setBusy(false);
    if (result?.ok) form.reset();
    setOutcome(result);
  }
  return { outcome, sent, busy, onSubmit };
}

/** A form field's text, trimmed; empty when absent. */
export const field = (data: FormData, name: string) => String(data.get(name) ?? '').trim();
