import { AssessSomeone } from '../assess/AssessSomeone.tsx';
import { TrainerFlags } from '../cohort/CohortFlags.tsx';
import { CommanderToday } from '../cohort/CommanderToday.tsx';
import { Link } from '../app/router.tsx';
import { hasRole, useMe } from '../app/session.tsx';
import { ExportLinks, Page } from '../app/ui.tsx';
import { MySummary } from '../me/MySummary.tsx';
import { TrainerUnits } from '../roster/TrainerUnits.tsx';
import { TodaysSessions } from '../training/TodaysSessions.tsx';

/** The home screen: one section per role the signed-in person holds (a person may hold several). */
export function HomePage() {
  const me = useMe();
  return (
    <Page title={`Good to see you, ${me.rank ? `${me.rank} ` : ''}${me.name}`}>
      {hasRole(me, 'investigator') && <CommanderToday />}
      {hasRole(me, 'trainer') && <TodaysSessions />}
      {hasRole(me, 'trainer') && <TrainerUnits />}
      {hasRole(me, 'trainer') && <TrainerFlags />}
      {hasRole(me, 'participant') && <MySummary />}
      {hasRole(me, 'assessor') && <AssessSomeone />}
      {hasRole(me, 'assessor') && <ExportLinks path="/api/assessments/export" what="physique assessments" />}
      {hasRole(me, 'admin', 'assessor', 'monitor', 'statistician') && (
        <section aria-labelledby="tasks-heading">
          <h2 id="tasks-heading">Your tasks</h2>
          <ul className="cards">
            {hasRole(me, 'statistician', 'investigator') && (
              <Task to="/analysis" title="Analyse a trial data set">
                Upload a long-format CSV, fit an MMRM or ANCOVA and judge a decision rule.
              </Task>
            )}
            {hasRole(me, 'admin') && (
              <Task to="/roster/import" title="Import the roster">
                Add or update people from a CSV; every bad row is reported, nothing is half-imported.
              </Task>
            )}
            {hasRole(me, 'monitor') && (
              <Task to="/cohort" title="Cohort">
                Strength, attendance, training load, flags and personal bests per unit.
              </Task>
            )}
            {hasRole(me, 'assessor') && (
              <Task to="/assessments/import" title="Import measurements">
                Many assessments at once from a CSV; every bad row is reported, nothing is half-imported.
              </Task>
            )}
            {hasRole(me, 'admin') && (
              <Task to="/audit" title="Audit trail">
                Every change, who made it and why; verify the hash chain.
              </Task>
            )}
            {hasRole(me, 'admin', 'assessor', 'monitor', 'statistician') && (
              <Task to="/people" title="People">
                The roster: find a person, their unit and chain of command.
              </Task>
            )}
            {hasRole(me, 'admin', 'assessor', 'monitor', 'statistician') && (
              <Task to="/units" title="Units">
                The unit tree with commanders, trainers and strength.
              </Task>
            )}
          </ul>
        </section>
      )}
    </Page>
  );
}

function Task({ to, title, children }: { to: string; title: string; children: string }) {
  return (
    <li className="card">
      <Link to={to}>{title}</Link>
      <p className="muted">{children}</p>
    </li>
  );
}
