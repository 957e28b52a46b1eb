import { useState, type ReactNode } from 'react';
import { roles, type Role } from '../../../src/shared/actor.ts';
import { api } from '../api/client.ts';
import { useMe } from '../app/session.tsx';
import { useApi } from '../app/useApi.ts';
import { navigate } from '../app/router.tsx';
import { Async, Facts, formatInstant } from '../app/ui.tsx';
import { AccountForm } from '../auth/AccountForm.tsx';
import { personLabel, useUnits, type PersonRecord, type Unit } from './hooks.ts';

const statuses = ['active', 'injured', 'withdrawn', 'discharged'] as const;
const sexes = ['female', 'male'] as const;
type Status = (typeof statuses)[number];
/** What each status sets off, said before the admin confirms it. */
const statusEffects: Record<Status, string> = {
  active: 'They take part again.',
  injured: 'They stay on the roster and keep their login.',
  withdrawn: 'They leave the trial: their sessions and API tokens end, and they can no longer sign in.',
  discharged: 'They leave the cohort: their sessions and API tokens end, and they can no longer sign in.',
};

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
/** What PersonFields hold. */
function recordOf(form: FormData) {
  return {
    designation: text(form, 'designation'),
    name: text(form, 'name'),
    rank: text(form, 'rank'),
    sex: sexes.find((sex) => sex === text(form, 'sex')) ?? null,
    dateOfBirth: text(form, 'dateOfBirth') || null,
  };
}
/** The roles ticked in a RoleChoice, at least one. */
function chosenRoles(form: FormData): Role[] {
  const chosen = roles.filter((role) => form.get(`role-${role}`) === 'on');
  if (chosen.length === 0) throw new Error('Roles: choose at least one.');
  return chosen;
}
const sameRoles = (a: readonly Role[], b: readonly Role[]) => [...a].sort().join() === [...b].sort().join();
const today = () => new Date().toLocaleDateString('en-CA');

/** The admin's tools on a person's page: their details, status, unit and login. */
export function PersonAdmin({ person, onChange }: { person: PersonRecord; onChange: () => void }) {
  return (
    <section aria-labelledby="admin-heading">
      <h2 id="admin-heading">Manage</h2>
      <div className="columns">
        <EditDetails person={person} onChange={onChange} />
        <ChangeStatus person={person} onChange={onChange} />
        <MoveUnit person={person} onChange={onChange} />
        <Login person={person} onChange={onChange} />
      </div>
    </section>
  );
}

/** The admin adds someone to the roster, then manages them (login, unit) on their page. */
export function AddPerson() {
  const units = useUnits();
  async function add(form: FormData) {
    const unitId = Number(form.get('unitId'));
    const created = await api('post', '/api/people', {
      body: { ...recordOf(form), unitId: unitId > 0 ? unitId : null, roles: chosenRoles(form) },
    });
    navigate(`/people/${created.id}`);
  }
  return (
    <details className="card">
      <summary>Add a person</summary>
      <Async loaded={units}>
        {({ units: list }) => (
          <AccountForm id="add-person" action={add} submitLabel="Add the person" busyLabel="Adding…">
            <PersonFields />
            <label>
              Unit
              <select name="unitId" defaultValue="">
                <option value="">No unit</option>
                <UnitOptions units={list} />
              </select>
            </label>
            <RoleChoice chosen={['participant']} />
          </AccountForm>
        )}
      </Async>
    </details>
  );
}

/** Units as a select's options, by name. */
export function UnitOptions({ units }: { units: readonly Unit[] }) {
  return units.map((unit) => (
    <option key={unit.id} value={unit.id}>
      {unit.name}
    </option>
  ));
}

/** The fields of a person's record, for adding and editing alike. */
function PersonFields({ person }: { person?: PersonRecord }) {
  return (
    <>
      <label>
        Designation
        <input name="designation" defaultValue={person?.designation} required autoCapitalize="characters" spellCheck={false} />
      </label>
      <label>
        Name
        <input name="name" defaultValue={person?.name} required autoComplete="off" />
      </label>
      <label>
        Rank
        <input name="rank" defaultValue={person?.rank} />
      </label>
      <label>
        Sex
        <select name="sex" defaultValue={person?.sex ?? ''}>
          <option value="">Not recorded</option>
          <option value="female">Female</option>
          <option value="male">Male</option>
        </select>
      </label>
      <label>
        Date of birth
        <input name="dateOfBirth" type="date" defaultValue={person?.dateOfBirth ?? ''} max={today()} />
      </label>
    </>
  );
}

function RoleChoice({ chosen, disabledWhy }: { chosen: readonly Role[]; disabledWhy?: string }) {
  return (
    <fieldset disabled={disabledWhy !== undefined}>
      <legend>Roles{disabledWhy && ` (${disabledWhy})`}</legend>
      {roles.map((role) => (
        <label key={role} className="inline">
          <input type="checkbox" name={`role-${role}`} defaultChecked={chosen.includes(role)} /> {role}
        </label>
      ))}
    </fieldset>
  );
}

/** A card with a heading and what the last action did. */
function Tool({ id, title, done, children }: { id: string; title: string; done: string | null; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="stack">
      <h3 id={`${id}-heading`}>{title}</h3>
      {children}
      <p aria-live="polite" className="success">
        {done}
      </p>
    </section>
  );
}

function EditDetails({ person, onChange }: { person: PersonRecord; onChange: () => void }) {
  const contact = useApi('/api/people/{id}/account', { path: { id: person.id } });
  const [done, setDone] = useState<string | null>(null);
  async function save(form: FormData) {
    setDone(null);
    await api('patch', '/api/people/{id}', {
      path: { id: person.id },
      body: { ...recordOf(form), email: text(form, 'email') || null },
    });
    setDone('Saved.');
    contact.reload();
    onChange();
  }
  return (
    <Tool id="details" title="Details" done={done}>
      <Async loaded={contact}>
        {({ email }) => (
          <AccountForm id="details" action={save} submitLabel="Save details" busyLabel="Saving…">
            <PersonFields person={person} />
            <label>
              E-mail for notifications
              <input name="email" type="email" defaultValue={email ?? ''} autoComplete="off" />
            </label>
          </AccountForm>
        )}
      </Async>
    </Tool>
  );
}

function ChangeStatus({ person, onChange }: { person: PersonRecord; onChange: () => void }) {
  const [pending, setPending] = useState<{ status: Status; reason: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function review(form: FormData) {
    const status = text(form, 'status') as Status;
    if (status === person.status) throw new Error(`${person.name} is already ${status}.`);
    setDone(null);
    setPending({ status, reason: text(form, 'reason') });
  }
  async function confirm() {
    if (!pending) return;
    await api('patch', '/api/people/{id}', { path: { id: person.id }, body: { status: pending.status, reason: pending.reason } });
    setDone(`${person.name} is now ${pending.status}.`);
    setPending(null);
    onChange();
  }
  return (
    <Tool id="status" title="Status" done={done}>
      <p>
        Now: <strong>{person.status}</strong>
      </p>
      {pending ? (
        <ConfirmStep
          id="status-confirm"
          question={`Change ${personLabel(person)} from ${person.status} to ${pending.status} because “${pending.reason}”? ${statusEffects[pending.status]}`}
          confirmLabel={`Confirm: ${pending.status}`}
          action={confirm}
          onCancel={() => setPending(null)}
        />
      ) : (
        <AccountForm key={person.status} id="status" action={review} submitLabel="Change status…" busyLabel="…">
          <label>
            New status
            <select name="status" defaultValue={person.status}>
              {statuses.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
          <label>
            Reason (kept in the audit trail)
            <input name="reason" required maxLength={500} />
          </label>
        </AccountForm>
      )}
    </Tool>
  );
}

function MoveUnit({ person, onChange }: { person: PersonRecord; onChange: () => void }) {
  const units = useUnits();
  const [done, setDone] = useState<string | null>(null);
  async function move(form: FormData) {
    setDone(null);
    const unitId = Number(form.get('unitId'));
    const reason = text(form, 'reason');
    // An earlier day starts at local midnight, where the admin is; today is the server's now (after the current membership began, even if that was this morning, and never ahead of the server's clock).
    const date = text(form, 'effectiveFrom');
    const effectiveFrom = date === today() ? undefined : new Date(`${date}T00:00`).toISOString();
    const moved = await api('post', '/api/people/{id}/move', { path: { id: person.id }, body: { unitId, ...(effectiveFrom && { effectiveFrom }), ...(reason && { reason }) } });
    setDone(`Moved to ${moved.unit?.name ?? 'the unit'} from ${text(form, 'effectiveFrom')}.`);
    onChange();
  }
  return (
    <Tool id="move" title="Unit" done={done}>
      <p>
        Now: <strong>{person.unit?.name ?? 'no unit'}</strong>
      </p>
      <Async loaded={units}>
        {({ units: list }) => (
          <AccountForm key={person.unit?.id ?? 0} id="move" action={move} submitLabel="Move" busyLabel="Moving…">
            <label>
              Move to
              <select name="unitId" required defaultValue="">
                <option value="" disabled>
                  Choose a unit
                </option>
                <UnitOptions units={list.filter((unit) => unit.id !== person.unit?.id)} />
              </select>
            </label>
            <label>
              From (effective date)
              <input name="effectiveFrom" type="date" required defaultValue={today()} max={today()} />
            </label>
            <label>
              Reason (optional)
              <input name="reason" maxLength={500} />
            </label>
          </AccountForm>
        )}
      </Async>
    </Tool>
  );
}

/** The one-time link to hand over, shown once: the person opens it to set their password. */
function SetupLink({ link }: { link: { path: string; expiresAt: string } }) {
  const address = `${window.location.origin}${link.path}`;
  const [copied, setCopied] = useState(false);
  return (
    <div className="stack">
      <label>
        Set-up link to hand over (shown once, works once, until {formatInstant(link.expiresAt)})
        <input readOnly value={address} onFocus={(e) => e.currentTarget.select()} className="digest" />
      </label>
      <button type="button" onClick={() => void navigator.clipboard?.writeText(address).then(() => setCopied(true))}>
        {copied ? 'Copied' : 'Copy the link'}
      </button>
    </div>
  );
}

function Login({ person, onChange }: { person: PersonRecord; onChange: () => void }) {
  const me = useMe();
  const account = useApi('/api/people/{id}/account', { path: { id: person.id } });
  const [link, setLink] = useState<{ path: string; expiresAt: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const self = me.personId === person.id;

  async function create(form: FormData) {
    // Their own roles are not the admin's to change: the choice is shown, not sent.
    const chosen = self ? person.roles : chosenRoles(form);
    const changed = !sameRoles(chosen, person.roles);
    const created = await api('post', '/api/people/{id}/account', { path: { id: person.id }, body: { username: text(form, 'username'), ...(changed && { roles: chosen }) } });
    setLink(created.setupLink ?? null);
    setDone(`Login ${created.username} created.`);
    account.reload();
    if (changed) onChange();
  }
  async function reset() {
    const answer = await api('post', '/api/people/{id}/account/reset', { path: { id: person.id } });
    setLink(answer.setupLink);
    setDone('Password reset: the old one no longer works and their sessions have ended.');
    account.reload();
  }
  async function unlock() {
    await api('post', '/api/people/{id}/account/unlock', { path: { id: person.id } });
    setDone('Unlocked: they can sign in again.');
    account.reload();
  }

  return (
    <Tool id="login" title="Login" done={done}>
      <Async loaded={account}>
        {({ account: login }) =>
          login ? (
            <>
              <Facts
                items={[
                  ['Username', login.username],
                  ['Password', login.hasPassword ? 'set' : login.linkExpiresAt ? `not yet: set-up link valid until ${formatInstant(login.linkExpiresAt)}` : 'not set: reset it for a new link'],
                  ['Locked', login.lockedUntil ? `until ${formatInstant(login.lockedUntil)} (wrong passwords)` : 'no'],
                ]}
              />
              {login.lockedUntil && (
                <AccountForm id="unlock" action={unlock} submitLabel="Unlock" busyLabel="Unlocking…">
                  <p>Locked after five wrong passwords.</p>
                </AccountForm>
              )}
              {!self && (
                <ConfirmedAction
                  id="reset"
                  label="Reset password…"
                  question={`Reset ${personLabel(person)}'s password? The old one stops working at once and their sessions end; you get a new link to hand over.`}
                  confirmLabel="Confirm: reset password"
                  action={reset}
                />
              )}
            </>
          ) : (
            <AccountForm id="login" action={create} submitLabel="Create login" busyLabel="Creating…">
              <p>No login yet. They set their own password with a one-time link you hand over.</p>
              <label>
                Username
                <input name="username" required autoCapitalize="none" spellCheck={false} autoComplete="off" defaultValue={person.designation.toLowerCase()} />
              </label>
              <RoleChoice chosen={person.roles} disabledWhy={self ? 'nobody changes their own' : undefined} />
            </AccountForm>
          )
        }
      </Async>
      {link && <SetupLink link={link} />}
    </Tool>
  );
}

/** A button that asks before it acts: the question, then Confirm or Cancel. */
function ConfirmedAction({ id, label, question, confirmLabel, action }: { id: string; label: string; question: string; confirmLabel: string; action: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <ConfirmStep
      id={id}
      question={question}
      confirmLabel={confirmLabel}
      action={async () => {
        await action();
        setAsking(false);
      }}
      onCancel={() => setAsking(false)}
    />
  );
}

function ConfirmStep({ id, question, confirmLabel, action, onCancel }: { id: string; question: string; confirmLabel: string; action: () => Promise<void>; onCancel: () => void }) {
  return (
    <AccountForm id={id} action={action} submitLabel={confirmLabel} busyLabel="Working…">
      <p role="alert">{question}</p>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </AccountForm>
  );
}
