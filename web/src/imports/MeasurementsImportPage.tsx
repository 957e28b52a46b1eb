import { ImportScreen } from './ImportScreen.tsx';

export function MeasurementsImportPage() {
  return (
    <ImportScreen
      title="Import body measurements"
      path="/api/assessments/import"
      fileLabel="Measurements CSV file"
      columns={['designation', 'date', 'time', 'method', 'device', 'fasted', 'assessor', 'site', 'trial_1', 'trial_2', 'trial_3']}
      optionalColumns={['notes']}
      about={
        <p>
          One site of a visit a row, the rows of a visit together. A visit already stored with the same content is left alone; one with different content
          is replaced.
        </p>
      }
      template={{
        fileName: 'measurements-template.csv',
        rows: [
          ['JB-001', '2026-01-12', '07:00', '', '', 'yes', '', 'body_mass', '72.4', '72.4', '', ''],
          ['JB-001', '2026-01-12', '07:00', '', '', 'yes', '', 'stature', '178.2', '178.2', '', ''],
        ],
      }}
      summaryOf={(summary) => [
        ['Visits created', summary.created],
        ['Visits replaced', summary.updated],
        ['Unchanged', summary.unchanged],
      ]}
    />
  );
}
