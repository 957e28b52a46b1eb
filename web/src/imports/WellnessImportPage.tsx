import { ImportScreen } from './ImportScreen.tsx';

export function WellnessImportPage() {
  return (
    <ImportScreen
      title="Import wellness reports"
      path="/api/wellness/import"
      fileLabel="Wellness CSV file"
      columns={['designation', 'date', 'sleep_quality', 'fatigue', 'stress', 'soreness', 'hours_slept']}
      about={
        <p>
          One daily report a row: the four items are whole numbers 1–7, hours slept 0–24, the date the person’s local day. A day already stored with the
          same answers is left alone.
        </p>
      }
      template={{ fileName: 'wellness-template.csv', rows: [['JB-001', '2026-01-12', '5', '3', '2', '4', '7.5']] }}
      summaryOf={(summary) => [
        ['Created', summary.created],
        ['Updated', summary.updated],
        ['Unchanged', summary.unchanged],
      ]}
    />
  );
}
