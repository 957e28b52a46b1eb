import { useState, type FormEvent } from 'react';
import {
  ageOn,
  bodyFatMethods,
  checkTrials,
  deriveValues,
  formatInputProblem,
  isSkinfoldMethod,
  largeChanges,
  methodNames,
  siteLabel,
  siteSpecs,
  siteValue,
  skinfoldSites,
  type BodyFatMethod,
  type InputProblem,
  type LargeChange,
  type Site,
} from '../../../src/assess/model.ts';
import { api, type ResponseOf } from '../api/client.ts';
import { Link } from '../app/router.tsx';
import { Async, ErrorMessage, Facts, Page } from '../app/ui.tsx';
import { useApi } from '../app/useApi.ts';
import { personLabel, usePerson, type PersonRecord } from '../roster/hooks.ts';
import { localNow } from '../training/localTime.ts';
import { useAssessments, type Assessment } from './hooks.ts';
import { SiteInput, trialsOf } from './SiteInput.tsx';

const girthSites = (Object.keys(siteSpecs) as Site[]).filter((site) => siteSpecs[site].kind === 'girth');
const steps = ['Visit', 'Body mass and stature', 'Body fat', 'Girths', 'Review'] as const;

/** The physique protocol, step by step, with derived values computed as the trials come in. */
export function AssessmentPage({ params }: { params: Record<string, string> }) {
  const person = usePerson(Number(params.id));
  return (
    <Page title={person.data ? `Physique assessment: ${personLabel(person.data)}` : 'Physique assessment'}>
      <Async loaded={person}>{(record) => <ZonedAssessmentForm person={record} />}</Async>
    </Page>
  );
}

/**
 * The visit's date and time are the person's unit's local ones, whatever the browser's zone: the
 * server reads them in that zone (people without a unit: UTC) and stores the instant.
 */
function ZonedAssessmentForm({ person }: { person: PersonRecord }) {
  const unit = useApi(person.unit ? '/api/units/{id}' : null, { path: { id: person.unit?.id ?? 0 } });
  if (!person.unit) return <AssessmentForm person={person} timeZone="UTC" />;
  return <Async loaded={unit}>{(u) => <AssessmentForm person={person} timeZone={u.timeZone} />}</Async>;
}

function AssessmentForm({ person, timeZone }: { person: PersonRecord; timeZone: string }) {
  const [step, setStep] = useState(0);
  const [visit, setVisit] = useState({ ...localNow(timeZone), method: 'skinfold_jp3' as BodyFatMethod | '', device: '', fasted: true });
  const [entered, setEntered] = useState<Partial<Record<Site, string[]>>>({});
  const [saved, setSaved] = useState<ResponseOf<'/api/people/{id}/assessments', 'post'> | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const method = visit.method === '' ? null : visit.method;

  const fatSites: Site[] = method === null ? [] : isSkinfoldMethod(method) ? (person.sex ? skinfoldSites(method, person.sex) : []) : ['body_fat_percent'];
  const stepSites: Site[][] = [[], ['body_mass', 'stature'], fatSites, girthSites, []];

  /**
   * Every site of the chosen protocol with complete, valid trials, and its value by the protocol's rule.
   * Sites entered for another method (chosen, then changed with Back) are neither reviewed nor saved.
   */
  const protocolSites = stepSites.flat();
  const complete: { sites: Partial<Record<Site, number[]>>; values: Partial<Record<Site, number>> } = { sites: {}, values: {} };
  for (const [site, text] of Object.entries(entered) as [Site, string[]][]) {
    const trials = trialsOf(text);
    if (!protocolSites.includes(site) || trials.length === 0 || checkTrials(site, trials).length > 0) continue;
    complete.sites[site] = trials;
    complete.values[site] = siteValue(site, trials).value;
  }
  const age = person.dateOfBirth ? ageOn(person.dateOfBirth, visit.date) : null;
  const derived = deriveValues(method, person.sex, age, complete.values);
  const [blocking, setBlocking] = useState<InputProblem[]>([]);
  const [confirmed, setConfirmed] = useState(false);
  const changes = useLargeChanges(person.id, visit.date, complete.values, derived.bodyFatPercent?.value ?? null);

  /** What keeps the step from being done: a required site left out, or trials the protocol does not accept yet. */
  function stepProblems(index: number): InputProblem[] {
    const required = index === 1 ? ['body_mass'] : index === 2 ? fatSites : [];
    return stepSites[index].flatMap((site): InputProblem[] => {
      const trials = trialsOf(entered[site] ?? []);
      if (trials.length === 0) return required.includes(site) ? [{ field: site, reason: 'is required by the protocol' }] : [];
      const problems = checkTrials(site, trials);
      return problems.length ? problems : [];
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (step < steps.length - 1) {
      const problems = stepProblems(step);
      setBlocking(problems);
      if (problems.length === 0) setStep(step + 1);
      return;
    }
    setError(null);
    try {
      setSaved(await api('post', '/api/people/{id}/assessments', { path: { id: person.id }, body: { date: visit.date, time: visit.time, method, device: visit.device, fasted: visit.fasted, sites: complete.sites } }));
    } catch (failure) {
      setError(failure as Error);
    }
  }

  if (saved) {
    return (
      <section className="card stack" aria-labelledby="saved-heading">
        <h2 id="saved-heading" className="success">
          Assessment saved
        </h2>
        <p>
          Visit of {saved.local.date} at {saved.local.time} ({saved.local.timeZone})
        </p>
        <DerivedList derived={saved.derived} />
        <AfterSaving person={person} />
      </section>
    );
  }

  return (
    <div className="columns wide">
      <form onSubmit={submit} className="card stack" aria-labelledby="step-heading">
        <ol className="steps" aria-label="Steps">
          {steps.map((name, i) => (
            <li key={name} aria-current={i === step ? 'step' : undefined}>
              {i + 1}. {name}
            </li>
          ))}
        </ol>
        <h2 id="step-heading">
          Step {step + 1} of {steps.length}: {steps[step]}
        </h2>
        {step === 0 && (
          <div className="grid">
            <label>
              Date ({timeZone})
              <input type="date" value={visit.date} onChange={(e) => setVisit({ ...visit, date: e.target.value })} required />
            </label>
            <label>
              Time ({timeZone})
              <input type="time" value={visit.time} onChange={(e) => setVisit({ ...visit, time: e.target.value })} required />
            </label>
            <label>
              Body fat method
              <select value={visit.method} onChange={(e) => setVisit({ ...visit, method: e.target.value as BodyFatMethod | '' })}>
                {bodyFatMethods.map((m) => (
                  <option key={m} value={m}>
                    {methodNames[m]}
                  </option>
                ))}
                <option value="">None (mass, stature and girths only)</option>
              </select>
            </label>
            <label>
              Device
              <input value={visit.device} onChange={(e) => setVisit({ ...visit, device: e.target.value })} placeholder="e.g. Harpenden caliper" />
            </label>
            <label className="inline">
              <input type="checkbox" checked={visit.fasted} onChange={(e) => setVisit({ ...visit, fasted: e.target.checked })} /> Fasted
            </label>
          </div>
        )}
        {step === 2 && method !== null && isSkinfoldMethod(method) && !person.sex && <p className="error">The roster has no sex for this person; the skinfold equations need it.</p>}
        {step === 3 && <p className="muted">Optional: leave a girth empty to skip it.</p>}
        {stepSites[step].map((site) => (
          <SiteInput key={site} site={site} entered={entered[site] ?? []} onChange={(text) => setEntered((all) => ({ ...all, [site]: text }))} />
        ))}
        {step === 4 && (
          <ul>
            {(Object.entries(complete.values) as [Site, number][]).map(([site, value]) => (
              <li key={site}>
                {siteLabel(site)}: {Number(value.toFixed(2))} {siteSpecs[site].unit}
              </li>
            ))}
          </ul>
        )}
        {step === 4 && changes.length > 0 && <ConfirmChanges changes={changes} confirmed={confirmed} onConfirm={setConfirmed} />}
        {blocking.length > 0 && (
          <div role="alert" className="error">
            <p>Not done yet:</p>
            <ul>
              {blocking.map((problem) => (
                <li key={`${problem.field} ${problem.trial ?? ''}`}>{formatInputProblem(problem)}</li>
              ))}
            </ul>
          </div>
        )}
        {error && <ErrorMessage error={error} />}
        <div className="pager">
          {step > 0 && (
            <button
              type="button"
              onClick={() => {
                setBlocking([]);
                setStep(step - 1);
              }}
            >
              Back
            </button>
          )}
          <button type="submit" className="primary" disabled={step === steps.length - 1 && changes.length > 0 && !confirmed}>
            {step < steps.length - 1 ? 'Next' : 'Save the assessment'}
          </button>
        </div>
      </form>
      <section className="card" aria-labelledby="derived-heading" aria-live="polite">
        <h2 id="derived-heading">Derived values</h2>
        <DerivedList derived={derived} />
      </section>
    </div>
  );
}

/** The measures that moved more since the person's last assessment before this visit than the weeks between allow. */
function useLargeChanges(personId: number, date: string, values: Partial<Record<Site, number>>, bodyFatPercent: number | null): LargeChange[] {
  const assessments = useAssessments(personId);
  const last = (assessments.data?.assessments ?? []).filter((a) => a.local.date <= date).sort((a, b) => b.local.date.localeCompare(a.local.date))[0];
  if (!last) return [];
  const days = (Date.parse(date) - Date.parse(last.local.date)) / 86_400_000;
  return largeChanges({ values: siteValues(last), bodyFatPercent: last.derived.bodyFatPercent?.value ?? null }, { values, bodyFatPercent }, days).map((change) => ({ ...change, on: last.local.date }));
}

const siteValues = (assessment: Assessment) => Object.fromEntries(assessment.sites.map((s) => [s.site, s.value])) as Partial<Record<Site, number>>;

function ConfirmChanges({ changes, confirmed, onConfirm }: { changes: (LargeChange & { on?: string })[]; confirmed: boolean; onConfirm: (confirmed: boolean) => void }) {
  return (
    <div className="prompt stack" role="group" aria-label="Large changes since the last assessment">
      <p>More change since the last assessment than the weeks between allow. Check the readings (the scale, the person) before saving:</p>
      <ul>
        {changes.map((c) => (
          <li key={c.measure}>
            {c.measure}: {fixed(c.previous)} {c.unit} on {c.on} to {fixed(c.current)} {c.unit} now ({fixed(Math.abs(c.current - c.previous))} {c.unit}, where up to {fixed(c.allowed)} {c.unit} is plausible)
          </li>
        ))}
      </ul>
      <label className="inline">
        <input type="checkbox" checked={confirmed} onChange={(e) => onConfirm(e.target.checked)} /> I have checked: these readings are right
      </label>
    </div>
  );
}

const fixed = (value: number) => Number(value.toFixed(1)).toString();

/** After saving, the assessor's next step: the next participant of the unit by designation, or this person's page. */
function AfterSaving({ person }: { person: PersonRecord }) {
  const unitPeople = useApi(person.unit ? '/api/people' : null, { query: { unitId: person.unit?.id, role: 'participant' } });
  const participants = [...(unitPeople.data?.people ?? [])].sort((a, b) => a.designation.localeCompare(b.designation, undefined, { numeric: true }));
  const next = participants[participants.findIndex((p) => p.id === person.id) + 1];
  return (
    <nav aria-label="Next" className="pager">
      {next && (
        <Link to={`/people/${next.id}/assess`} className="button primary">
          Next participant: {personLabel(next)}
        </Link>
      )}
      <Link to={`/people/${person.id}`} className="button">
        Open {personLabel(person)}’s page
      </Link>
    </nav>
  );
}

function DerivedList({ derived }: { derived: ReturnType<typeof deriveValues> }) {
  const rows: [string, string, typeof derived.bmi | null][] = [
    ['BMI', 'kg/m²', derived.bmi],
    ['Body fat', '%', derived.bodyFatPercent],
    ['Lean mass', 'kg', derived.leanMass],
  ];
  return (
    <Facts
      items={rows.flatMap(([name, unit, value]) =>
        value
          ? [
              [
                name,
                <>
                  {value.value === null ? <span className="muted">{value.missing}</span> : <strong>{`${value.value.toFixed(1)} ${unit}`}</strong>}
                  <br />
                  <span className="muted">{value.equation}</span>
                </>,
              ] as const,
            ]
          : [],
      )}
    />
  );
}
