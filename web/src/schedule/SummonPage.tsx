import { useState } from 'react';
import { api } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { useApi } from '../app/useApi.ts';
import { Async, Page } from '../app/ui.tsx';
import { field, useSendingForm } from '../trial/hooks.ts';
import { SubmitAndSent } from '../trial/Sending.tsx';

const purposes = ['briefing', 'assessment', 'test'] as const;

/**
 * The investigator summons people to a place at a local time there: a unit's participants (all,
 * or those ticked), a location (its zone gives the time its meaning), the date and time, what for.
 * The summons goes down through the people's trainers.
 */
export function SummonPage() {
  const units = useApi('/api/units');
  const locations = useApi('/api/locations');
  const [unitId, setUnitId] = useState('');
  const people = useApi(unitId ? '/api/people' : null, { query: { unitId: Number(unitId), role: 'participant', limit: 500 } });
  const { outcome, sent, busy, onSubmit } = useSendingForm(
    (data) => {
      const everyone = people.data?.people.map((p) => p.id) ?? [];
      const chosen = data.getAll('personId').map(Number);
      const who = chosen.length === everyone.length ? { unitId: Number(unitId) } : { personIds: chosen };
      const location = locations.data?.locations.find((l) => l.id === Number(field(data, 'locationId')));
      const body = {
        ...who,
        locationId: Number(field(data, 'locationId')),
        localDate: field(data, 'localDate'),
        localTime: field(data, 'localTime'),
        purpose: field(data, 'purpose') as (typeof purposes)[number],
        title: field(data, 'title'),
        durationMinutes: Number(field(data, 'durationMinutes')),
        ...(field(data, 'reason') && { reason: field(data, 'reason') }),
      };
      return {
        body,
        sent: [
          ['Who', 'unitId' in who ? `every participant of the unit (${everyone.length})` : `${chosen.length} chosen`],
          ['Where', location ? `${location.name} (${location.timeZone})` : '—'],
          ['When (local there)', `${body.localDate} ${body.localTime}`],
          ['What', `${body.title} (${body.purpose}, ${body.durationMinutes} min)`],
        ],
      };
    },
    async (body) => {
      const { appointments } = await api('post', '/api/appointments', { body });
      const first = appointments[0];
      return `${appointments.length} summoned for ${first.local.date} ${first.local.time} (${first.location.timeZone}), ${first.startsAt} UTC. Their trainers are told and relay it.`;
    },
  );
  return (
    <Page title="Summon" actions={<Link to="/schedule/appointments">Who came and when</Link>}>
      <form onSubmit={onSubmit} className="card stack" aria-label="Summon people">
        <Async loaded={units}>
          {({ units: list }) => (
            <label>
              Unit
              <select name="unitId" required value={unitId} onChange={(event) => setUnitId(event.target.value)}>
                <option value="">Choose a unit</option>
                {list.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name} ({u.kind})
                  </option>
                ))}
              </select>
            </label>
          )}
        </Async>
        {unitId && (
          <Async loaded={people}>
            {({ people: list }) =>
              list.length === 0 ? (
                <p className="muted">This unit has no participants.</p>
              ) : (
                <fieldset>
                  <legend>People (untick those not summoned)</legend>
                  {list.map((p) => (
                    <label key={p.id} className="inline">
                      <input type="checkbox" name="personId" value={p.id} defaultChecked /> {p.designation} {p.rank} {p.name}
                    </label>
                  ))}
                </fieldset>
              )
            }
          </Async>
        )}
        <Async loaded={locations}>
          {({ locations: list }) => (
            <label>
              Location
              <select name="locationId" required>
                {list.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name} ({l.timeZone})
                  </option>
                ))}
              </select>
            </label>
          )}
        </Async>
        <div className="columns">
          <label className="narrow">
            Date (at the location)
            <input type="date" name="localDate" required />
          </label>
          <label className="narrow">
            Local time there
            <input type="time" name="localTime" required step={60} />
          </label>
          <label className="narrow">
            Minutes
            <input type="number" name="durationMinutes" required min={5} max={1440} defaultValue={30} />
          </label>
        </div>
        <label className="narrow">
          Purpose
          <select name="purpose">
            {purposes.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Title
          <input name="title" required maxLength={200} placeholder="e.g. Night navigation briefing" />
        </label>
        <label>
          Reason (optional, in the record)
          <input name="reason" maxLength={2000} />
        </label>
        <SubmitAndSent label="Summon" busy={busy} sent={sent} outcome={outcome} />
      </form>
    </Page>
  );
}
