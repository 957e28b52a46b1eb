import { TableScroll } from '../app/ui.tsx';
import { fixed } from '../charts/PlotFigure.tsx';
import type { AnalysisResult } from './hooks.ts';

/** The fit in numbers: sizes, likelihood, type III tests and (MMRM) the estimated covariance. */
export function ResultTables({ result }: { result: AnalysisResult }) {
  return (
    <div className="columns">
      <section aria-labelledby="fit-heading" className="card">
        <h2 id="fit-heading">Fit</h2>
        <dl className="facts">
          <dt>Model</dt>
          <dd>{result.kind === 'mmrm' ? `MMRM, ${result.covariance_structure} covariance, ${result.method.toUpperCase()}` : 'ANCOVA (least squares)'}</dd>
          <dt>Subjects</dt>
          <dd>{result.n_subjects}</dd>
          <dt>Observations</dt>
          <dd>{result.n_obs}</dd>
          <dt>Left out (missing covariate)</dt>
          <dd>{result.rows_missing_covariate}</dd>
          <dt>{result.kind === 'mmrm' && result.method === 'reml' ? '−2 REML log-likelihood' : '−2 log-likelihood'}</dt>
          <dd>{fixed(result.neg2_loglik, 4)}</dd>
          {result.kind === 'mmrm' ? (
            <>
              <dt>Iterations</dt>
              <dd>{result.iterations}</dd>
            </>
          ) : (
            <>
              <dt>Residual SD (df)</dt>
              <dd>
                {fixed(result.sigma, 4)} ({result.residual_df})
              </dd>
            </>
          )}
          {result.aliased.length > 0 && (
            <>
              <dt>Aliased terms</dt>
              <dd>{result.aliased.join(', ')}</dd>
            </>
          )}
        </dl>
      </section>
      <section aria-labelledby="type3-heading" className="card">
        <h2 id="type3-heading">Type III tests</h2>
        <TableScroll label="Type III tests">
          <table>
            <thead>
              <tr>
                <th scope="col">Term</th>
                <th scope="col">Num df</th>
                <th scope="col">Den df</th>
                <th scope="col">F</th>
                <th scope="col">p</th>
              </tr>
            </thead>
            <tbody>
              {result.type3.map((test) => (
                <tr key={test.term}>
                  <td>{test.term}</td>
                  <td className="number">{test.num_df ?? 'n/a'}</td>
                  <td className="number">{test.den_df === null ? 'n/a' : fixed(test.den_df, 1)}</td>
                  <td className="number">{test.f === null ? 'n/a' : fixed(test.f)}</td>
                  <td className="number">{test.p === null ? 'n/a' : test.p < 0.001 ? '< 0.001' : test.p.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
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
