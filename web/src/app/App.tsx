import { useEffect, useState } from 'react';
import { AccountSetupPage } from '../auth/AccountSetupPage.tsx';
import { SetupPage } from '../auth/SetupPage.tsx';
import { SignInPage } from '../auth/SignInPage.tsx';
import { KioskPage } from '../kiosk/KioskPage.tsx';
import { startOutbox } from '../training/outbox.ts';
import { Link, matchPath, navigate, useLocation } from './router.tsx';
import type { Screen } from './screens.ts';
import { SessionProvider, useSession, type Me } from './session.tsx';
import { Page } from './ui.tsx';

/**
 * Every capability's screens: each web/src/<capability>/screens.ts, found by the build, so a new
 * capability needs no line here. The menu's order and entries come from the server.
 */
const screens: Screen[] = Object.values(import.meta.glob<Record<string, Screen[]>>('../*/screens.ts', { eager: true })).flatMap((module) => Object.values(module).flat());

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
  // The first admin's one-time link (printed by `muster serve`) and a person's set-up link (from an admin) open before anyone can sign in.
  if (me === null) return pathname === '/setup' ? <SetupPage /> : pathname === '/account-setup' ? <AccountSetupPage /> : <SignInPage />;
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
