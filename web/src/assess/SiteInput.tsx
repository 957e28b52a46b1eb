import { checkTrials, siteLabel, siteSpecs, type Site } from '../../../src/assess/model.ts';

/** The entered trials that are numbers, in order; empty inputs end the list. */
export function trialsOf(entered: readonly string[]): number[] {
  const trials: number[] = [];
  for (const text of entered) {
    if (text.trim() === '') break;
    trials.push(Number(text));
  }
  return trials;
}

/**
 * One site's trials as the protocol takes them (src/assess/model.ts, the rules the server applies):
 * two, and a third when the first two differ by more than the tolerance; one for a device reading.
 */
export function SiteInput({ site, entered, onChange }: { site: Site; entered: string[]; onChange: (entered: string[]) => void }) {
  const spec = siteSpecs[site];
  const label = siteLabel(site);
  const trials = trialsOf(entered);
  const problems = trials.length >= (spec.kind === 'device' ? 1 : 2) ? checkTrials(site, trials) : [];
  const needsThird = problems.some((p) => p.trial === 3) || entered[2]?.trim();
  const count = spec.kind === 'device' ? 1 : needsThird ? 3 : 2;
  const set = (index: number, value: string) => onChange(Array.from({ length: 3 }, (_, i) => (i === index ? value : (entered[i] ?? ''))));
  return (
    <fieldset className="site">
      <legend>
        {label} ({spec.unit})
      </legend>
      <div className="trials">
        {Array.from({ length: count }, (_, i) => (
          <label key={i}>
            {spec.kind === 'device' ? 'Reading' : `Trial ${i + 1}`}
            <input inputMode="decimal" value={entered[i] ?? ''} onChange={(e) => set(i, e.target.value)} aria-describedby={problems.length ? `${site}-problems` : undefined} />
          </label>
        ))}
      </div>
      {problems.length > 0 && (
        <p id={`${site}-problems`} className={problems.every((p) => p.trial === 3) && !entered[2]?.trim() ? 'prompt' : 'error'} role="status">
          {problems.map((p) => p.reason).join('; ')}
        </p>
      )}
    </fieldset>
  );
}
