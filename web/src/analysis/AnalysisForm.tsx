import { useState, type FormEvent } from 'react';
import { guessColumn, isNumericColumn, levels, parseCsv, type CsvPreview } from './csv.ts';
import type { AnalysisRequest, Covariance, DecisionRule } from './hooks.ts';

/** The names of the covariance structures (mmrm's); typed so that a structure added to the API must be named here. */
const covarianceNames: Record<Covariance, string> = {
  us: 'unstructured (us)',
  cs: 'compound symmetry (cs)',
  csh: 'heterogeneous compound symmetry (csh)',
  ar1: 'autoregressive order 1 (ar1)',
  ar1h: 'heterogeneous autoregressive order 1 (ar1h)',
  toep: 'Toeplitz (toep)',
  toeph: 'heterogeneous Toeplitz (toeph)',
  ad: 'ante-dependence (ad)',
  adh: 'heterogeneous ante-dependence (adh)',
};

interface Choices {
  model: 'mmrm' | 'ancova';
  subject: string;
  visit: string;
  outcome: string;
  arm: string;
  control: string;
  baseline: string;
  covariates: string[];
  covariance: Covariance;
  method: 'reml' | 'ml';
  judge: boolean;
  rule: { arm: string; visit: string; direction: DecisionRule['direction']; hypothesis: DecisionRule['hypothesis']; margin: string; confidence: string };
}

export interface Submission {
  request: AnalysisRequest;
  /** The outcome's unit, for axis labels and the verdict sentence. */
  unit: string;
}

/** First guesses from common column names; each is a choice the user can change. */
function guessChoices(preview: CsvPreview): Choices {
  const subject = guessColumn(preview, /subj|^id$|usubjid|patient|rat/i);
  const visit = guessColumn(preview, /visit|week|day|time/i);
  const arm = guessColumn(preview, /arm|treat|group|diet/i);
  const baseline = guessColumn(preview, /(_bl|base|pre)/i, [subject, visit, arm]);
  const numeric = preview.header.filter((name) => ![subject, visit, arm, baseline].includes(name) && isNumericColumn(preview, name));
  const arms = arm ? levels(preview, arm) : [];
  const control = arms.find((level) => /placebo|control|pbo|cont/i.test(level)) ?? arms[0] ?? '';
  const visits = visit ? levels(preview, visit) : [];
  return {
    model: visit ? 'mmrm' : 'ancova',
    subject,
    visit,
    outcome: numeric[numeric.length - 1] ?? '',
    arm,
    control,
    baseline,
    covariates: [],
    covariance: 'us',
    method: 'reml',
    judge: true,
    rule: { arm: arms.find((level) => level !== control) ?? '', visit: visits[visits.length - 1] ?? '', direction: 'higher', hypothesis: 'superiority', margin: '0', confidence: '0.95' },
  };
}

export function AnalysisForm({ busy, onSubmit }: { busy: boolean; onSubmit: (submission: Submission) => void }) {
  const [file, setFile] = useState<{ name: string; text: string; preview: CsvPreview } | null>(null);
  const [choices, setChoices] = useState<Choices | null>(null);
  const [unit, setUnit] = useState('');

  async function load(chosen: File | undefined) {
    if (!chosen) return;
    const text = await chosen.text();
    const preview = parseCsv(text);
    setFile({ name: chosen.name, text, preview });
    setChoices(guessChoices(preview));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file || !choices) return;
    const rule: DecisionRule = {
      arm: choices.rule.arm,
      direction: choices.rule.direction,
      hypothesis: choices.rule.hypothesis,
      margin: Number(choices.rule.margin),
      confidence: Number(choices.rule.confidence),
      ...(choices.model === 'mmrm' && { visit: choices.rule.visit }),
      ...(unit.trim() && { unit: unit.trim() }),
    };
    const common = {
      data: file.text,
      outcome: choices.outcome,
      arm: choices.arm,
      control: choices.control,
      ...(choices.baseline && { baseline: choices.baseline }),
      ...(choices.covariates.length > 0 && { covariates: choices.covariates }),
      ...(choices.judge && { rule }),
    };
    const request: AnalysisRequest =
      choices.model === 'mmrm'
        ? { model: 'mmrm', ...common, subject: choices.subject, visit: choices.visit, covariance: choices.covariance, method: choices.method }
        : { model: 'ancova', ...common };
    onSubmit({ request, unit: unit.trim() });
  }

  const set = (patch: Partial<Choices>) => setChoices((current) => (current ? { ...current, ...patch } : current));
  const setRule = (patch: Partial<Choices['rule']>) => setChoices((current) => (current ? { ...current, rule: { ...current.rule, ...patch } } : current));

  return (
    <form onSubmit={submit} className="card stack analysis-form">
      <label>
        Data set (long-format CSV, one row per subject and visit)
        <input type="file" accept=".csv,text/csv" onChange={(e) => void load(e.target.files?.[0])} required />
      </label>
      {file && choices && <Choose file={file.preview} choices={choices} unit={unit} set={set} setRule={setRule} setUnit={setUnit} />}
      <button type="submit" className="primary" disabled={busy || !choices}>
        {busy ? 'Fitting…' : 'Run the analysis'}
      </button>
    </form>
  );
}

function ColumnSelect({ label, value, columns, optional, onChange }: { label: string; value: string; columns: string[]; optional?: boolean; onChange: (value: string) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} required={!optional}>
        <option value="">{optional ? '(none)' : '(choose)'}</option>
        {columns.map((column) => (
          <option key={column} value={column}>
            {column}
          </option>
        ))}
      </select>
    </label>
  );
}

function Choose({ file, choices, unit, set, setRule, setUnit }: { file: CsvPreview; choices: Choices; unit: string; set: (patch: Partial<Choices>) => void; setRule: (patch: Partial<Choices['rule']>) => void; setUnit: (unit: string) => void }) {
  const columns = file.header;
  const arms = choices.arm ? levels(file, choices.arm) : [];
  const visits = choices.visit ? levels(file, choices.visit) : [];
  const mmrm = choices.model === 'mmrm';
  const used = [choices.subject, choices.visit, choices.outcome, choices.arm, choices.baseline];
  const covariateColumns = columns.filter((column) => !used.includes(column));

  return (
    <>
      <p className="muted">
        {file.rows.length} rows, columns {columns.join(', ')}.
      </p>
      <fieldset>
        <legend>Model</legend>
        <div className="choices" role="radiogroup" aria-label="Model">
          <label className="inline">
            <input type="radio" name="model" checked={mmrm} onChange={() => set({ model: 'mmrm' })} /> MMRM (repeated visits)
          </label>
          <label className="inline">
            <input type="radio" name="model" checked={!mmrm} onChange={() => set({ model: 'ancova' })} /> ANCOVA (one outcome per subject)
          </label>
        </div>
        {mmrm && (
          <div className="grid">
            <label>
              Covariance structure
              <select value={choices.covariance} onChange={(e) => set({ covariance: e.target.value as Covariance })}>
                {Object.entries(covarianceNames).map(([value, name]) => (
                  <option key={value} value={value}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Estimation
              <select value={choices.method} onChange={(e) => set({ method: e.target.value as 'reml' | 'ml' })}>
                <option value="reml">REML</option>
                <option value="ml">ML</option>
              </select>
            </label>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Columns</legend>
        <div className="grid">
          {mmrm && <ColumnSelect label="Subject" value={choices.subject} columns={columns} onChange={(subject) => set({ subject })} />}
          {mmrm && <ColumnSelect label="Visit" value={choices.visit} columns={columns} onChange={(visit) => set({ visit })} />}
          <ColumnSelect label="Outcome" value={choices.outcome} columns={columns} onChange={(outcome) => set({ outcome })} />
          <label>
            Outcome unit (for axes and the verdict)
            <input value={unit} onChange={(e) => setUnit(e.target.value)} placeholder="e.g. kg" maxLength={20} />
          </label>
          <ColumnSelect label="Arm" value={choices.arm} columns={columns} onChange={(arm) => set({ arm, control: levels(file, arm)[0] ?? '' })} />
          <label>
            Control arm
            <select value={choices.control} onChange={(e) => set({ control: e.target.value })} required>
              {arms.map((level) => (
                <option key={level}>{level}</option>
              ))}
            </select>
          </label>
          <ColumnSelect label="Baseline" value={choices.baseline} columns={columns} optional onChange={(baseline) => set({ baseline })} />
        </div>
        {covariateColumns.length > 0 && (
          <fieldset>
            <legend>Covariates</legend>
            <div className="choices">
              {covariateColumns.map((column) => (
                <label key={column} className="inline">
                  <input
                    type="checkbox"
                    checked={choices.covariates.includes(column)}
                    onChange={(e) => set({ covariates: e.target.checked ? [...choices.covariates, column] : choices.covariates.filter((c) => c !== column) })}
                  />{' '}
                  {column}
                </label>
              ))}
            </div>
          </fieldset>
        )}
      </fieldset>
      <fieldset>
        <legend>Decision rule</legend>
        <label className="inline">
          <input type="checkbox" checked={choices.judge} onChange={(e) => set({ judge: e.target.checked })} /> Judge a pre-registered rule
        </label>
        {choices.judge && (
          <div className="grid">
            <label>
              Treatment arm
              <select value={choices.rule.arm} onChange={(e) => setRule({ arm: e.target.value })} required>
                {arms.filter((level) => level !== choices.control).map((level) => (
                  <option key={level}>{level}</option>
                ))}
              </select>
            </label>
            {mmrm && (
              <label>
                At visit
                <select value={choices.rule.visit} onChange={(e) => setRule({ visit: e.target.value })} required>
                  {visits.map((level) => (
                    <option key={level}>{level}</option>
                  ))}
                </select>
              </label>
            )}
            <label>
              Better is
              <select value={choices.rule.direction} onChange={(e) => setRule({ direction: e.target.value as DecisionRule['direction'] })}>
                <option value="higher">higher</option>
                <option value="lower">lower</option>
              </select>
            </label>
            <label>
              Hypothesis
              <select value={choices.rule.hypothesis} onChange={(e) => setRule({ hypothesis: e.target.value as DecisionRule['hypothesis'] })}>
                <option value="superiority">superiority</option>
                <option value="non-inferiority">non-inferiority</option>
              </select>
            </label>
            <label>
              Margin{unit ? ` (${unit})` : ''}
              <input type="number" min="0" step="any" value={choices.rule.margin} onChange={(e) => setRule({ margin: e.target.value })} required />
            </label>
            <label>
              Confidence level
              <input type="number" min="0.5" max="0.999" step="0.005" value={choices.rule.confidence} onChange={(e) => setRule({ confidence: e.target.value })} required />
            </label>
          </div>
        )}
      </fieldset>
    </>
  );
}
