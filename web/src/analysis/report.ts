/**
 * An analysis as one self-contained HTML file: the data it ran on, the model and its options, the
 * verdict (or the description of a comparison), the plots as they are drawn on the screen (inline
 * SVG) and the numbers (LS means, contrasts, type III tests, covariance). Nothing is loaded from
 * elsewhere, so the file reads the same offline, attached to a message or archived.
 */
import type { AnalysisRequest, AnalysisResponse } from './hooks.ts';

type Answer = Omit<AnalysisResponse, 'runId'>;

export interface ReportInput {
  dataLabel: string;
  request: Partial<AnalysisRequest>;
  answer: Answer;
  /** Who ran it and when, for a stored analysis. */
  ranBy?: string;
  ranAt?: string;
  /** Each chart's title and its drawing (the SVG, with its legend), as on the screen. */
  figures: { title: string; html: string }[];
}

const escape = (text: unknown) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const number = (value: number | null | undefined, digits = 4) => (value === null || value === undefined ? '—' : value.toFixed(digits));
const pValue = (p: number | null | undefined) => (p === null || p === undefined ? '—' : p < 0.0001 ? '&lt; 0.0001' : p.toFixed(4));

function table(caption: string, columns: string[], rows: (string | number)[][]): string {
  const head = columns.map((c) => `<th scope="col">${escape(c)}</th>`).join('');
  // Cells come escaped (text) or formatted (numbers).
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table><caption>${escape(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The request's options as label and value, without the data themselves. */
function options(request: Partial<AnalysisRequest>): [string, string][] {
  const shown: [string, unknown][] = Object.entries(request).filter(([key, value]) => key !== 'data' && key !== 'rule' && key !== 'ice' && value !== undefined);
  const out = shown.map(([key, value]): [string, string] => [key, Array.isArray(value) ? value.join(', ') : String(value)]);
  if (request.rule) {
    const { arm, visit, direction, hypothesis, margin, confidence, unit } = request.rule;
    out.push(['decision rule', `${arm}${visit !== undefined ? ` at ${visit}` : ''}: ${direction} is better, ${hypothesis}${margin ? `, margin ${margin}` : ''}${confidence ? `, ${confidence * 100}% confidence` : ''}${unit ? ` (${unit})` : ''}`]);
  }
  if (request.model === 'rbmi') out.push(['intercurrent events', String(request.ice?.length ?? 0)]);
  return out;
}

export function analysisReportHtml({ dataLabel, request, answer, ranBy, ranAt, figures }: ReportInput): string {
  const { result, verdict, description } = answer;
  const title = `Analysis of ${result.outcome}: ${dataLabel}`;
  const sections: string[] = [];
  sections.push(
    `<dl>${[
      ['Data', dataLabel],
      ...(ranBy ? [['Run by', ranBy]] : []),
      ...(ranAt ? [['Run at', ranAt]] : []),
      ['Report made', new Date().toISOString()],
      ['Model', result.kind === 'mmrm' ? `MMRM, ${result.covariance_structure} covariance, ${result.method.toUpperCase()}, ${result.ddfm} df, ${result.vcov} covariance of the estimates` : result.kind === 'ancova' ? 'ANCOVA (least squares)' : `reference-based imputation (${result.strategy}, reference ${result.reference}), ${result.method}`],
      ['Subjects', String(result.n_subjects)],
    ]
      .map(([label, value]) => `<dt>${escape(label)}</dt><dd>${escape(value)}</dd>`)
      .join('')}</dl>`,
  );
  sections.push(`<h2>Options</h2>${table('Options of the analysis', ['Option', 'Value'], options(request).map(([k, v]) => [escape(k), escape(v)]))}`);
  if (verdict) {
    sections.push(
      `<h2>Verdict: ${escape(verdict.met ? `${verdict.hypothesis} shown` : `${verdict.hypothesis} not shown`)}</h2><p class="sentence">${escape(verdict.sentence)}</p>` +
        table('The verdict in numbers', ['Comparison', 'Benefit', 'CI lower', 'CI upper', 'Threshold', 'p'], [
          [escape(`${verdict.contrast}${verdict.visit !== undefined ? ` at ${verdict.visit}` : ''}`), number(verdict.benefit), number(verdict.lower), number(verdict.upper), number(verdict.threshold), pValue(verdict.p)],
        ]),
    );
  } else if (description) {
    sections.push(`<h2>Comparison (no verdict: the groups were not randomised)</h2><p class="sentence">${escape(description)}</p>`);
  }
  for (const figure of figures) sections.push(`<figure><figcaption>${escape(figure.title)}</figcaption>${figure.html}</figure>`);
  const visitOf = (row: object) => ('visit' in row ? [escape((row as { visit: string }).visit)] : []);
  const hasVisits = result.kind !== 'ancova';
  sections.push(
    `<h2>LS means</h2>${table('LS means (95% CI)', [...(hasVisits ? ['Visit'] : []), 'Arm', 'Estimate', 'SE', 'df', 'Lower', 'Upper'], result.lsmeans.map((m) => [...visitOf(m), escape(m.arm), number(m.estimate), number(m.se), m.df === null ? 'normal' : number(m.df, 1), number(m.lower), number(m.upper)]))}`,
    `<h2>Contrasts</h2>${table(`Each arm minus ${result.control} (95% CI, two-sided p)`, [...(hasVisits ? ['Visit'] : []), 'Contrast', 'Estimate', 'SE', 'df', 'Lower', 'Upper', 'p'], result.contrasts.map((c) => [...visitOf(c), escape(c.contrast), number(c.estimate), number(c.se), c.df === null ? 'normal' : number(c.df, 1), number(c.lower), number(c.upper), pValue(c.p)]))}`,
  );
  if (result.kind !== 'rbmi') {
    sections.push(
      `<h2>Type III tests</h2>${table('Type III tests', ['Term', 'Num df', 'Den df', 'F', 'p'], result.type3.map((t) => [escape(t.term), t.num_df ?? 'n/a', t.den_df === null ? 'n/a' : number(t.den_df, 1), t.f === null ? 'n/a' : number(t.f), pValue(t.p)]))}` +
        `<p>${result.kind === 'mmrm' ? `−2 ${result.method === 'reml' ? 'REML ' : ''}log-likelihood ${number(result.neg2_loglik)}, ${result.iterations} iterations` : `residual SD ${number(result.sigma)} on ${result.residual_df} df`}; ${result.n_obs} observations, ${result.rows_missing_covariate} left out for a missing covariate.</p>`,
    );
  }
  if (result.kind === 'mmrm') {
    sections.push(`<h2>Estimated covariance between visits</h2>${table('Covariance', ['', ...result.visits.map(escape)], result.covariance.map((row, i) => [escape(result.visits[i]), ...row.map((v) => number(v))]))}`);
  }
  if (result.kind === 'rbmi') {
    sections.push(`<h2>Imputation</h2><p>${result.n_events} intercurrent events, ${result.n_imputed} values imputed; ${escape(Object.entries(result.strategies).map(([s, n]) => `${s} ${n}`).join(', ') || 'no events')}.</p>`);
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { color: #555; } dd { margin: 0; }
figure { margin: 1.5rem 0; } figure figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 0.5rem; }
svg { max-width: 100%; height: auto; }
.sentence { font-weight: 600; }
</style>
</head>
<body>
<h1>${escape(title)}</h1>
${sections.join('\n')}
<p><small>Made by Muster's analysis screen; the numbers are those of <code>muster analyze</code> on the same data and options.</small></p>
</body>
</html>
`;
}

/** Offers the report as a file download. */
export function downloadHtml(html: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
