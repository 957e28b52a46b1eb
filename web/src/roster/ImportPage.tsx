import { ImportScreen } from '../imports/ImportScreen.tsx';

/** Roster import: all rows or none; a refusal lists every problem by line and column. */
export function ImportPage() {
  return (
    <ImportScreen
      title="Import the roster"
      path="/api/roster/import"
      fileLabel="Roster CSV file"
      about={
        <p>
          A CSV with the columns <code>designation,name,rank,unit,role</code> and optionally <code>status,date_of_birth,sex</code>; several roles are
          separated by <code>;</code>.
        </p>
      }
      template={{ fileName: 'roster-template.csv', csv: 'designation,name,rank,unit,role,status,date_of_birth,sex\nJB-101,Jo Bloggs,Rct,1 Platoon,participant,active,2004-05-17,female\n' }}
      summaryOf={(summary) => [
        ['Created', summary.created],
        ['Updated', summary.updated],
        ['Unchanged', summary.unchanged],
      ]}
    />
  );
}
