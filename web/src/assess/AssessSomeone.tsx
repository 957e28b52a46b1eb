import { useState, type FormEvent } from 'react';
import { Link } from '../app/router.tsx';
import { Async } from '../app/ui.tsx';
import { personLabel, usePeoplePage } from '../roster/hooks.ts';

const MATCHES_SHOWN = 8;

/** The assessor's home task: find a participant by designation or name, then open their assessment form. */
export function AssessSomeone() {
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSearched(query.trim());
  }
  return (
    <section aria-labelledby="assess-heading" className="card">
      <h2 id="assess-heading">New physique assessment</h2>
      <form className="stack" onSubmit={search} role="search" aria-label="Find a participant to assess">
        <label>
          Participant (designation or name)
          <input value={query} onChange={(e) => setQuery(e.target.value)} autoCapitalize="none" spellCheck={false} required />
        </label>
        <button type="submit">Find</button>
      </form>
      {searched && <Matches q={searched} />}
    </section>
  );
}

function Matches({ q }: { q: string }) {
  const matches = usePeoplePage({ q, role: 'participant', limit: MATCHES_SHOWN });
  return (
    <Async loaded={matches}>
      {({ people, total }) =>
        people.length ? (
          <>
            <ul aria-label="Participants found">
              {people.map((person) => (
                <li key={person.id}>
                  <Link to={`/people/${person.id}/assess`}>Assess {personLabel(person)}</Link>
                </li>
              ))}
            </ul>
            {total > people.length && <p className="muted">{total - people.length} more match; type more of the name or designation.</p>}
          </>
        ) : (
          <p>No participant matches “{q}”.</p>
        )
      }
    </Async>
  );
}
