import { ImportScreen } from './ImportScreen.tsx';

export function MeasurementsImportPage() {
  return (
    <ImportScreen
      title="Import body measurements"
      path="/api/assessments/import"
      fileLabel="Measurements CSV file"
      about={
        <p>
          One site of a visit a row, the rows of a visit together: <code>designation,date,time,method,device,fasted,assessor,site,trial_1,trial_2,trial_3</code>{' '}
          and optionally <code>notes</code>. A visit already stored with the same content is left alone; one with different content is replaced.
        </p>
      }
      template={{
        fileName: 'measurements-template.csv',
        csv: 'designation,date,time,method,device,fasted,assessor,site,trial_1,trial_2,trial_3,notes\nJB-001,2026-01-12,07:00,,,yes,,body_mass,72.4,72.4,,\nJB-001,2026-01-12,07:00,,,yes,,stature,178.2,178.2,,\n',
      }}
      summaryOf={(summary) => [
        ['Visits created', summary.created],
        ['Visits replaced', summary.updated],
        ['Unchanged', summary.unchanged],
      ]}
    />
  );
}
