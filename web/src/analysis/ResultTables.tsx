import { DataTable, Facts, TableScroll } from '../app/ui.tsx';
import { fixed } from '../charts/PlotFigure.tsx';
import type { AnalysisResult, RbmiResult } from './hooks.ts';

/** The fit in numbers: sizes, likelihood, type III tests and (MMRM) the estimated covariance. */
export function ResultTables({ result }: { result: AnalysisResult }) {
  if (result.kind === 'rbmi') return <RbmiFacts result={result} />;
  return (
    <div className="fit-content">
      <section aria-labelledby="fit-heading" className="card">
        <h2 id="fit-heading">Fit</h2>
        <Facts
          items={[
            ['Model', result.kind === 'mmrm' ? `MMRM, ${result.covariance_structure} covariance, ${result.method.toUpperCase()}` : 'ANCOVA (least squares)'],
            ['Subjects', result.n_subjects],
            ['Observations', result.n_obs],
            ['Left out (missing covariate)', result.rows_missing_covariate],
            [result.kind === 'mmrm' && result.method === 'reml' ? '−2 REML log-likelihood' : '−2 log-likelihood', fixed(result.neg2_loglik, 4)],
            result.kind === 'mmrm' ? ['Iterations', result.iterations] : ['Residual SD (df)', `${fixed(result.sigma, 4)} (${result.residual_df})`],
            ...(result.aliased.length > 0 ? [['Aliased terms', result.aliased.join(', ')] as const] : []),
          ]}
        />
      </section>
      <section aria-labelledby="type3-heading" className="card">
        <h2 id="type3-heading">Type III tests</h2>
        <DataTable
          label="Type III tests"
          columns={['Term', 'Num df', 'Den df', 'F', 'p']}
          rows={result.type3.map((test) => [
            test.term,
            test.num_df ?? 'n/a',
            test.den_df === null ? 'n/a' : fixed(test.den_df, 1),
            test.f === null ? 'n/a' : fixed(test.f),
            test.p === null ? 'n/a' : test.p < 0.001 ? '< 0.001' : test.p.toFixed(3),
          ])}
        />
      </section>
      {result.kind === 'mmrm' && (
        <section aria-labelledby="covariance-heading" className="card">
          <h2 id="covariance-heading">Estimated covariance between visits</h2>
          <TableScroll label="Estimated covariance">
            <table>
              <thead>
                <tr>
                  <td />
                  {result.visits.map((visit) => (
                    <th key={visit} scope="col">
                      {visit}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.covariance.map((row, i) => (
                  <tr key={result.visits[i]}>
                    <th scope="row">{result.visits[i]}</th>
                    {row.map((value, j) => (
                      <td key={j} className="number">
                        {fixed(value)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      )}
    </div>
  );
}

/** Reference-based imputation: how the missing values were filled in, and how the SEs were found. */
function RbmiFacts({ result }: { result: RbmiResult }) {
  const strategies = Object.entries(result.strategies).map(([strategy, count]) => `${strategy} ${count}`).join(', ');
  return (
    <section aria-labelledby="fit-heading" className="card">
      <h2 id="fit-heading">Imputation</h2>
      <Facts
        items={[
          ['Model', `reference-based imputation (conditional means), ${result.covariance_structure} imputation model`],
          ['Standard errors', result.method === 'condmean-jackknife' ? 'jackknife (normal intervals)' : `bootstrap, ${result.samples} resamples, seed ${result.seed} (normal intervals)`],
          ['Subjects', result.n_subjects],
          ['Intercurrent events', `${result.n_events}${strategies ? ` (${strategies})` : ''}`],
          ['Values imputed', result.n_imputed],
          ['Reference arm', result.reference],
          ...(result.delta_arm !== null ? [['Delta', `${result.delta} on ${result.delta_arm}'s imputed values`] as const] : []),
        ]}
      />
    </section>
  );
}
