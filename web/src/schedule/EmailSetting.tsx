import { useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { FormOutcome, outcomeOf, type Outcome } from '../training/FormOutcome.tsx';

/** Where summonses and reminders go by e-mail besides the inbox (when the server has SMTP); empty: the inbox only. */
export function EmailSetting() {
  const [outcome, setOutcome] = useState<Outcome>(null);
  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get('email') ?? '').trim();
    setOutcome(
      await outcomeOf(async () => {
        await api('put', '/api/me/email', { body: { email: email || null } });
        return email ? `Notifications also go to ${email}.` : 'Notifications go to your inbox only.';
      }),
    );
  }
  return (
    <form onSubmit={save} className="card stack" aria-labelledby="email-heading">
      <h2 id="email-heading">E-mail</h2>
      <label>
        Also send my summonses and reminders to (empty: the inbox only)
        <input type="email" name="email" maxLength={254} autoComplete="email" />
      </label>
      <button type="submit">Save</button>
      <FormOutcome outcome={outcome} />
    </form>
  );
}
