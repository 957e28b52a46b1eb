import { ImportScreen } from '../imports/ImportScreen.tsx';
import { useUnits } from './hooks.ts';

/** Roster import: all rows or none; a refusal lists every problem by line and column. */
export function ImportPage() {
  // The template's example names a unit this roster has, so it imports as it is.
  const units = useUnits();
  const exampleUnit = units.data?.units.find((unit) => unit.parentId !== null)?.name ?? units.data?.units[0]?.name ?? 'A unit on your roster';
  return (
    <ImportScreen
      title="Import the roster"
      path="/api/roster/import"
      fileLabel="Roster CSV file"
      columns={['designation', 'name', 'rank', 'unit', 'role']}
      optionalColumns={['status', 'date_of_birth', 'sex']}
      about={
        <p>
          The unit by its name; several roles separated by <code>;</code>. A designation already on the roster is updated.
        </p>
      }
      template={{ fileName: 'roster-template.csv', rows: [['JB-101', 'Jo Bloggs', 'Rct', exampleUnit, 'participant', 'active', '2004-05-17', 'female']] }}
      summaryOf={(summary) => [
        ['Created', summary.created],
        ['Updated', summary.updated],
        ['Unchanged', summary.unchanged],
      ]}
    />
  );
}
