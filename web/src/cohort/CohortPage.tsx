import { hasRole, useMe } from '../app/session.tsx';
import { ExportLinks, Page } from '../app/ui.tsx';
import { CohortGlance } from './CohortGlance.tsx';

/** The cohort in detail, and its data to take away: each export for the roles its route admits (src/<capability>/index.ts). */
export function CohortPage() {
  const me = useMe();
  return (
    <Page title="Cohort">
      <CohortGlance />
      <section aria-labelledby="exports-heading">
        <h2 id="exports-heading">Exports</h2>
        <p className="muted">Everything you may see, one row per set, report or site; each participant's access log records the export.</p>
        <ExportLinks path="/api/training/export" what="training sets" />
        {hasRole(me, 'investigator', 'monitor') && <ExportLinks path="/api/wellness/export" what="wellness reports" />}
        {hasRole(me, 'assessor', 'investigator', 'monitor') && <ExportLinks path="/api/assessments/export" what="physique assessments" />}
      </section>
    </Page>
  );
}
