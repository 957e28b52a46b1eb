import { useState, type FormEvent } from 'react';
import { guessColumn, isNumericColumn, levels, parseCsv, type CsvPreview } from './csv.ts';
import type { DataSource } from './DataSourcePanel.tsx';
import type { AnalysisRequest, Covariance, Ddfm, DecisionRule, ImputationStrategy, RbmiRequest, Vcov } from './hooks.ts';

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
  sp_exp: 'spatial exponential (sp_exp, needs a time column)',
};

const ddfmNames: Record<Ddfm, string> = { satterthwaite: 'Satterthwaite', kr: 'Kenward-Roger (kr)', 'kr-linear': "Kenward-Roger, SAS's ddfm=kr (kr-linear)", residual: 'residual' };
const vcovNames: Record<Vcov, string> = {
  model: "the model's",
  empirical: 'sandwich (empirical, CR0)',
  'empirical-br': 'sandwich, bias-reduced (empirical-br, CR2)',
  'empirical-jackknife': 'sandwich, jackknife (empirical-jackknife, CR3)',
};
const strategyNames: Record<ImputationStrategy, string> = {
  MAR: 'missing at random (MAR)',
  JR: 'jump to reference (JR)',
  CR: 'copy reference (CR)',
  CIR: 'copy increments in reference (CIR)',
  LMCF: 'last mean carried forward (LMCF)',
};

/** The reference-based imputation choices: the events file and how to impute after an event. */
interface RbmiChoices {
  strategy: ImputationStrategy;
  reference: string;
  method: 'jackknife' | 'bootstrap';
  samples: string;
  seed: string;
  delta: string;
  tippingPoint: boolean;
  /** The intercurrent events file as read: name, and rows of subject, visit and optional strategy. */
  ice: { name: string; rows: RbmiRequest['ice'] } | null;
  iceProblem: string;
}

interface Choices {
  model: 'mmrm' | 'ancova' | 'rbmi';
  subject: string;
  visit: string;
  outcome: string;
  arm: string;
  control: string;
  baseline: string;
  covariates: string[];
  covariance: Covariance;
  method: 'reml' | 'ml';
  coordinates: string;
  ddfm: Ddfm;
  vcov: Vcov;
  rbmi: RbmiChoices;
  judge: boolean;
  rule: { arm: string; visit: string; direction: DecisionRule['direction']; hypothesis: DecisionRule['hypothesis']; margin: string; confidence: string };
}

export interface Submission {
  request: AnalysisRequest;
  /** The outcome's unit, for axis labels and the verdict sentence. */
  unit: string;
  /** The CSV text analysed (also when the request names a stored data set), for the trajectories. */
  data: string;
}

/** First guesses from common column names; each is a choice the user can change. */
const baselineName = /(_bl|base|pre)/i;

function guessChoices(preview: CsvPreview, randomisedArm: string | undefined): Choices {
  const subject = guessColumn(preview, /subj|^id$|usubjid|patient|participant|rat|designation/i);
  const visit = guessColumn(preview, /visit|week|day|time/i);
  // A trial's data set names its randomised arm; Muster's derived data sets have the unit as their group.
  const arm = randomisedArm ?? guessColumn(preview, /arm|treat|group|diet|^unit$/i);
  const numeric = preview.header.filter((name) => ![subject, visit, arm].includes(name) && !baselineName.test(name) && isNumericColumn(preview, name));
  const outcome = numeric[numeric.length - 1] ?? '';
  // The outcome's own baseline when the data has one (lean and lean_bl), else the first that looks like one.
  const baseline = preview.header.includes(`${outcome}_bl`) ? `${outcome}_bl` : guessColumn(preview, baselineName, [subject, visit, arm]);
  const arms = arm ? levels(preview, arm) : [];
  const control = arms.find((level) => /placebo|control|pbo|cont/i.test(level)) ?? arms[0] ?? '';
  const visits = visit ? levels(preview, visit) : [];
  return {
    model: visit ? 'mmrm' : 'ancova',
    subject,
    visit,
    outcome,
    arm,
    control,
    baseline,
    covariates: [],
    covariance: 'us',
    method: 'reml',
    coordinates: '',
    ddfm: 'satterthwaite',
    vcov: 'model',
    rbmi: { strategy: 'JR', reference: '', method: 'jackknife', samples: '500', seed: '1', delta: '0', tippingPoint: true, ice: null, iceProblem: '' },
    judge: true,
    rule: { arm: arms.find((level) => level !== control) ?? '', visit: visits[visits.length - 1] ?? '', direction: 'higher', hypothesis: 'superiority', margin: '0', confidence: '0.95' },
  };
}

/** The model and column choices for one data source (a new source starts a new form). */
export function AnalysisForm({ source, busy, onSubmit }: { source: DataSource; busy: boolean; onSubmit: (submission: Submission) => void }) {
  const [choices, setChoices] = useState<Choices>(() => guessChoices(source.preview, source.randomisedArm));
  const [unit, setUnit] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    const rule: DecisionRule = {
      arm: choices.rule.arm,
      direction: choices.rule.direction,
      hypothesis: choices.rule.hypothesis,
      margin: Number(choices.rule.margin),
      confidence: Number(choices.rule.confidence),
      ...(choices.model !== 'ancova' && { visit: choices.rule.visit }),
      ...(unit.trim() && { unit: unit.trim() }),
    };
    const common = {
      ...(source.trial !== undefined ? { trial: source.trial } : source.datasetId !== undefined ? { datasetId: source.datasetId } : { data: source.text, dataName: source.label }),
      outcome: choices.outcome,
      arm: choices.arm,
      control: choices.control,
      ...(choices.baseline && { baseline: choices.baseline }),
      ...(choices.covariates.length > 0 && { covariates: choices.covariates }),
      ...(choices.judge && { rule }),
    };
    const rbmi = choices.rbmi;
    const request: AnalysisRequest =
      choices.model === 'mmrm'
        ? {
            model: 'mmrm',
            ...common,
            subject: choices.subject,
            visit: choices.visit,
            covariance: choices.covariance,
            ...(choices.covariance === 'sp_exp' && choices.coordinates && { coordinates: choices.coordinates }),
            method: choices.method,
            ddfm: choices.ddfm,
            vcov: choices.vcov,
          }
        : choices.model === 'rbmi'
          ? {
              model: 'rbmi',
              ...common,
              subject: choices.subject,
              visit: choices.visit,
              covariance: choices.covariance === 'sp_exp' ? 'us' : choices.covariance,
              ice: rbmi.ice?.rows ?? [],
              strategy: rbmi.strategy,
              ...(rbmi.reference && { reference: rbmi.reference }),
              method: rbmi.method,
              ...(rbmi.method === 'bootstrap' && { samples: Number(rbmi.samples), seed: Number(rbmi.seed) }),
              ...(Number(rbmi.delta) !== 0 && { delta: Number(rbmi.delta) }),
              tippingPoint: rbmi.tippingPoint,
            }
          : { model: 'ancova', ...common };
    onSubmit({ request, unit: unit.trim(), data: source.text });
  }

  const set = (patch: Partial<Choices>) => setChoices((current) => ({ ...current, ...patch }));
  const setRule = (patch: Partial<Choices['rule']>) => setChoices((current) => ({ ...current, rule: { ...current.rule, ...patch } }));

  return (
    <form onSubmit={submit} className="card stack analysis-form" aria-label="Model and columns">
      <Choose file={source.preview} choices={choices} unit={unit} set={set} setRule={setRule} setUnit={setUnit} />
      {choices.judge && choices.arm !== source.randomisedArm && (
        <p className="muted">The arm column is not a trial&rsquo;s randomised arm: the rule&rsquo;s comparison is described, and no verdict is given. A trial&rsquo;s own data set is judged.</p>
      )}
      <button type="submit" className="primary" disabled={busy}>
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
  // MMRM and rbmi both take repeated visits.
  const mmrm = choices.model !== 'ancova';
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
            <input type="radio" name="model" checked={choices.model === 'mmrm'} onChange={() => set({ model: 'mmrm' })} /> MMRM (repeated visits)
          </label>
          <label className="inline">
            <input type="radio" name="model" checked={!mmrm} onChange={() => set({ model: 'ancova' })} /> ANCOVA (one outcome per subject)
          </label>
          <label className="inline">
            <input type="radio" name="model" checked={choices.model === 'rbmi'} onChange={() => set({ model: 'rbmi' })} /> Reference-based imputation (rbmi)
          </label>
        </div>
        {mmrm && (
          <div className="grid">
            <label>
              Covariance structure
              <select value={choices.covariance} onChange={(e) => set({ covariance: e.target.value as Covariance })}>
                {Object.entries(covarianceNames).filter(([value]) => choices.model === 'mmrm' || value !== 'sp_exp').map(([value, name]) => (
                  <option key={value} value={value}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            {choices.model === 'mmrm' && (
              <>
                <label>
                  Estimation
                  <select value={choices.method} onChange={(e) => set({ method: e.target.value as 'reml' | 'ml' })}>
                    <option value="reml">REML</option>
                    <option value="ml">ML</option>
                  </select>
                </label>
                <label>
                  Degrees of freedom
                  <select value={choices.ddfm} onChange={(e) => set({ ddfm: e.target.value as Ddfm })}>
                    {Object.entries(ddfmNames).map(([value, name]) => (
                      <option key={value} value={value}>
                        {name}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Covariance of the estimates
                  <select value={choices.vcov} onChange={(e) => set({ vcov: e.target.value as Vcov })}>
                    {Object.entries(vcovNames).map(([value, name]) => (
                      <option key={value} value={value}>
                        {name}
                      </option>
                    ))}
                  </select>
                </label>
                {choices.covariance === 'sp_exp' && <ColumnSelect label="Time of each row (coordinates)" value={choices.coordinates} columns={columns} onChange={(coordinates) => set({ coordinates })} />}
              </>
            )}
          </div>
        )}
        {choices.model === 'rbmi' && <RbmiOptions rbmi={choices.rbmi} arms={arms} subject={choices.subject} visit={choices.visit} onChange={(patch) => set({ rbmi: { ...choices.rbmi, ...patch } })} />}
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

/** The events file and the imputation: which strategy after an event, the reference arm, the standard errors and the tipping point. */
function RbmiOptions({ rbmi, arms, subject, visit, onChange }: { rbmi: RbmiChoices; arms: string[]; subject: string; visit: string; onChange: (patch: Partial<RbmiChoices>) => void }) {
  async function readEvents(file: File | undefined) {
    if (!file) return;
    const events = parseCsv(await file.text());
    const [s, v, own] = [subject, visit, 'strategy'].map((name) => events.header.indexOf(name));
    if (s < 0 || v < 0) {
      onChange({ ice: null, iceProblem: `${file.name} needs the data's subject and visit columns, "${subject}" and "${visit}" (it has ${events.header.join(', ')})` });
      return;
    }
    const rows = events.rows.map((row) => ({ subject: row[s], visit: row[v], ...(own >= 0 && row[own] ? { strategy: row[own] as ImputationStrategy } : {}) }));
    onChange({ ice: { name: file.name, rows }, iceProblem: '' });
  }
  return (
    <fieldset>
      <legend>Intercurrent events and imputation</legend>
      <label>
        Intercurrent events (CSV: the subject and visit columns, the first visit affected; optional strategy)
        <input type="file" accept=".csv,text/csv" onChange={(e) => void readEvents(e.target.files?.[0])} />
      </label>
      {rbmi.ice && (
        <p className="muted">
          {rbmi.ice.name}: {rbmi.ice.rows.length} events
        </p>
      )}
      {rbmi.iceProblem && <p role="alert">{rbmi.iceProblem}</p>}
      <div className="grid">
        <label>
          After an event
          <select value={rbmi.strategy} onChange={(e) => onChange({ strategy: e.target.value as ImputationStrategy })}>
            {Object.entries(strategyNames).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reference arm
          <select value={rbmi.reference} onChange={(e) => onChange({ reference: e.target.value })}>
            <option value="">(the control)</option>
            {arms.map((level) => (
              <option key={level}>{level}</option>
            ))}
          </select>
        </label>
        <label>
          Standard errors
          <select value={rbmi.method} onChange={(e) => onChange({ method: e.target.value as RbmiChoices['method'] })}>
            <option value="jackknife">jackknife</option>
            <option value="bootstrap">bootstrap (seeded)</option>
          </select>
        </label>
        {rbmi.method === 'bootstrap' && (
          <>
            <label>
              Resamples
              <input type="number" min="2" max="2000" step="1" value={rbmi.samples} onChange={(e) => onChange({ samples: e.target.value })} required />
            </label>
            <label>
              Seed
              <input type="number" step="1" value={rbmi.seed} onChange={(e) => onChange({ seed: e.target.value })} required />
            </label>
          </>
        )}
        <label>
          Delta on the treated arm&apos;s imputed values
          <input type="number" step="any" value={rbmi.delta} onChange={(e) => onChange({ delta: e.target.value })} required />
        </label>
      </div>
      <label className="inline">
        <input type="checkbox" checked={rbmi.tippingPoint} onChange={(e) => onChange({ tippingPoint: e.target.checked })} /> Find the tipping point (the delta that overturns the verdict at the last visit)
      </label>
    </fieldset>
  );
}
