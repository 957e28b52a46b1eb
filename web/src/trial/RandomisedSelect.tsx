import { useApi } from '../app/useApi.ts';

/**
 * A randomised participant you may see, by designation and kit code; nobody is chosen until you
 * choose. `takingPart`: only those who have not left the trial (a kit or a withdrawal is for them alone).
 */
export function RandomisedSelect({ code, label, required = true, takingPart = false }: { code: string; label: string; required?: boolean; takingPart?: boolean }) {
  const adherence = useApi('/api/trials/{code}/adherence', { path: { code } });
  const participants = adherence.data?.participants.filter((p) => !takingPart || p.withdrawnOn === null);
  return (
    <label>
      {label}
      <select name="personId" required={required} defaultValue="" aria-busy={adherence.loading}>
        <option value="" disabled={required}>
          {required ? 'Choose a participant' : 'None: the trial as a whole'}
        </option>
        {participants?.map((p) => (
          <option key={p.person.id} value={p.person.id}>
            {p.person.designation} (kit {p.kitCode}){p.withdrawnOn ? `, left the trial on ${p.withdrawnOn}` : ''}
          </option>
        ))}
      </select>
      {adherence.error && <span className="error">{adherence.error.message}</span>}
    </label>
  );
}

/** The chosen participant as the select shows them (designation and kit), for what the form sent. */
export function chosenParticipantText(): string {
  return document.querySelector<HTMLSelectElement>('select[name="personId"]')?.selectedOptions[0]?.textContent ?? '';
}
