import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client.ts';
import { formatInstant } from '../app/ui.tsx';
import { wellnessQuestions, type WellnessAnswers, type WellnessReport } from './hooks.ts';

const scale = [1, 2, 3, 4, 5, 6, 7];

/**
 * Today's wellness report: four 1-7 questions as radio rows (arrow keys move within a row) and
 * hours slept. It starts empty, so nothing is sent unread; once sent it shows what was sent, and
 * sending again says that it replaces it.
 */
export function TodayForm({ sent, onSaved }: { sent: WellnessReport | null; onSaved: () => void }) {
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const outcome = useRef<HTMLDivElement>(null);
  // On a phone the button is low on the page: bring the outcome into view once it shows, and
  // again once the page has reloaded what was sent (the note above the form moves it down).
  useEffect(() => {
    if (saved || error) outcome.current?.scrollIntoView({ block: 'nearest' });
  }, [saved, error, sent]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const answers = {
      ...Object.fromEntries(Object.keys(wellnessQuestions).map((name) => [name, Number(form.get(name))])),
      hoursSlept: Number(form.get('hoursSlept')),
    } as WellnessAnswers;
    setError(null);
    // The same answers again change nothing: saying "Changed" (and re-sending) would claim an edit that was not made.
    if (sent && (Object.keys(answers) as (keyof WellnessAnswers)[]).every((name) => sent[name] === answers[name])) {
      setSaved(`Nothing changed: today’s report stays as sent (score ${sent.score} of 28).`);
      return;
    }
    try {
      const { report } = await api('put', '/api/me/wellness/today', { body: answers });
      setSaved(`${sent ? 'Changed' : 'Saved'} for ${report.date}: wellness score ${report.score} of 28.`);
      onSaved();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <form onSubmit={submit} className="card stack" aria-labelledby="today-heading">
      <h2 id="today-heading">How are you today?</h2>
      {sent && (
        <p>
          You sent today’s report at {formatInstant(sent.reportedAt)} (score {sent.score} of 28). Sending the form again replaces it.
        </p>
      )}
      {Object.entries(wellnessQuestions).map(([name, question]) => (
        <fieldset key={name} className="scale">
          <legend>
            {question.label}: 1 = {question.low}, 7 = {question.high}
          </legend>
          <div className="scale-row">
            {scale.map((value) => (
              <label key={value} className="scale-choice">
                <input type="radio" name={name} value={value} required defaultChecked={sent?.[name as keyof typeof wellnessQuestions] === value} />
                <span>{value}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <label>
        Hours slept last night
        <input type="number" name="hoursSlept" min="0" max="24" step="0.25" defaultValue={sent?.hoursSlept} required />
      </label>
      <button type="submit" className="primary">
        {sent ? 'Change today’s report' : 'Send today’s report'}
      </button>
      <div aria-live="polite" ref={outcome}>
        {saved && <p className="success">{saved}</p>}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </div>
    </form>
  );
}
