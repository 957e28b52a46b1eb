import { Link } from '../app/router.tsx';
import { TableScroll } from '../app/ui.tsx';
import type { DirectoryEntry } from './hooks.ts';

export function PeopleTable({ people, label }: { people: readonly DirectoryEntry[]; label: string }) {
  if (people.length === 0) return <p>Nobody matches.</p>;
  return (
    <TableScroll label={label}>
      <table>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">Designation</th>
            <th scope="col">Name</th>
            <th scope="col">Rank</th>
            <th scope="col">Unit</th>
            <th scope="col">Status</th>
            <th scope="col">Roles</th>
          </tr>
        </thead>
        <tbody>
          {people.map((person) => (
            <tr key={person.id}>
              <td>
                <Link to={`/people/${person.id}`}>{person.designation}</Link>
              </td>
              <td>{person.name}</td>
              <td>{person.rank}</td>
              <td>{person.unit?.name ?? '—'}</td>
              <td>{person.status}</td>
              <td>{person.roles.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
