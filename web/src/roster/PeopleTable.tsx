import { Link } from '../app/router.tsx';
import { DataTable } from '../app/ui.tsx';
import type { DirectoryEntry } from './hooks.ts';

export function PeopleTable({ people, label }: { people: readonly DirectoryEntry[]; label: string }) {
  if (people.length === 0) return <p>Nobody matches.</p>;
  return (
    <DataTable
      label={label}
      columns={['Designation', 'Name', 'Rank', 'Unit', 'Status', 'Roles']}
      rows={people.map((person) => [
        <Link to={`/people/${person.id}`}>{person.designation}</Link>,
        person.name,
        person.rank,
        person.unit?.name ?? '—',
        person.status,
        person.roles.join(', '),
      ])}
      rowKey={(i) => people[i].id}
    />
  );
}
