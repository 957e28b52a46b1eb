import { ImportScreen } from './ImportScreen.tsx';

/** Training sets from our CSV, or a Strong or Hevy workout export (which name nobody, so it asks whose it is). */
export function TrainingImportPage() {
  return (
    <ImportScreen
      title="Import training"
      path="/api/training/import"
      fileLabel="Training CSV file"
      columns={['designation', 'date', 'time', 'exercise', 'set', 'reps', 'load', 'load_unit', 'rpe', 'duration_s', 'distance_m', 'notes']}
      about={
        <p>
          One set a row, date and time local to the person’s unit. A workout export from the Strong app (either of its forms) or from Hevy is recognised by
          its header; give the designation of the person it belongs to. Warm-up, drop and failure sets are kept as such.
        </p>
      }
      template={{ fileName: 'training-template.csv', rows: [['JB-001', '2026-01-12', '06:30', 'Back Squat', '1', '5', '100', 'kg', '8', '', '', '']] }}
      fields={
        <label>
          Designation (Strong and Hevy exports only)
          <input name="designation" autoCapitalize="characters" spellCheck={false} />
        </label>
      }
      queryOf={(form) => ({ designation: String(form.get('designation') ?? '').trim() || undefined })}
      summaryOf={(summary) => [
        ['Rows', summary.rows],
        ['Sets added', summary.added],
        ['Already stored', summary.alreadyStored],
        ['Sessions created', summary.sessionsCreated],
        ['Skipped (Strong rest timers)', summary.skipped],
      ]}
    />
  );
}
