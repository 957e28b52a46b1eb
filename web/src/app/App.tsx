import { useEffect, useState } from 'react';
import { analysisScreens } from '../analysis/screens.ts';
import { assessScreens } from '../assess/screens.ts';
import { auditScreens } from '../audit/screens.ts';
import { SetupPage } from '../auth/SetupPage.tsx';
import { SignInPage } from '../auth/SignInPage.tsx';
import { homeScreens } from '../auth/screens.ts';
import { cohortScreens } from '../cohort/screens.ts';
import { drillScreens } from '../drills/screens.ts';
import { importScreens } from '../imports/screens.ts';
import { inboxScreens } from '../inbox/screens.ts';
import { KioskPage } from '../kiosk/KioskPage.tsx';
import { kioskScreens } from '../kiosk/screens.ts';
import { meScreens } from '../me/screens.ts';
import { rosterScreens } from '../roster/screens.ts';
import { scheduleScreens } from '../schedule/screens.ts';
import { startOutbox } from '../training/outbox.ts';
import { trainingScreens } from '../training/screens.ts';
import { trialScreens } from '../trial/screens.ts';
import { wellnessScreens } from '../wellness/screens.ts';
import { Link, matchPath, navigate, useLocation } from './router.tsx';
import type { Screen } from './screens.ts';
import { SessionProvider, useSession, type Me } from './session.tsx';
import { Page } from './ui.tsx';

/** Every capability's screens; the menu's order and entries come from the server. */
const screens: Screen[] = [...homeScreens, ...cohortScreens, ...rosterScreens, ...meScreens, ...wellnessScreens, ...trainingScreens, ...drillScreens, ...assessScreens, ...importScreens, ...auditScreens, ...analysisScreens, ...trialScreens, ...scheduleScreens, ...kioskScreens, ...inboxScreens];

export function App() {
  // The kiosk at the door is a device, not a person: it signs in with its own token, never a session.
  if (window.location.pathname === '/kiosk') return <KioskPage />;
  return (
    <SessionProvider>
      <Gate />
    </SessionProvider>
  );
}

function Gate() {
  const { me } = useSession();
  const { pathname } = useLocation();
  if (me === undefined)
    return (
      <p className="muted" aria-live="polite">
        Loading…
      </p>
    );
  // The first admin's one-time link (printed by `muster serve`) opens before anyone can sign in.
  if (me === null) return pathname === '/setup' ? <SetupPage /> : <SignInPage />;
  return <Shell me={me} />;
}

function Shell({ me }: { me: Me }) {
  const { signOut } = useSession();
  const { pathname } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  // Sets logged offline are sent whenever the connection is back, whichever screen is open.
  useEffect(() => startOutbox(), []);
  const found = screens.map((screen) => ({ screen, params: matchPath(screen.path, pathname) })).find((m) => m.params !== null);
  const Current = found?.screen.component;

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          Muster
        </Link>
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <nav id="main-nav" aria-label="Main" className={menuOpen ? 'open' : undefined}>
          <ul>
            {/* An entry with a parameter (a trial's task, /trials/:code/...) is listed on its trial's page, not here. */}
            {me.screens
              .filter((screen) => !screen.path.includes(':'))
              .map((screen) => (
                <li key={screen.path}>
                  <Link to={screen.path} aria-current={screen.path === pathname ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
                    {screen.label}
                  </Link>
                </li>
              ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.rank} {me.name} <span className="muted">({me.roles.join(', ')})</span>
          </span>
          <button type="button" onClick={() => void signOut().then(() => navigate('/', { replace: true }))}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        {Current ? (
          <Current key={pathname} params={found.params!} />
        ) : (
          <Page title="Not found">
            <p>There is no screen at {pathname}.</p>
          </Page>
        )}
      </main>
    </>
  );
}
