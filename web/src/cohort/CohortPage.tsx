import { Page } from '../app/ui.tsx';
import { CohortGlance } from './CohortGlance.tsx';

export function CohortPage() {
  return (
    <Page title="Cohort">
      <CohortGlance />
    </Page>
  );
}
