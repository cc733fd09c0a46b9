import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, describeError, get, onUnauthorized } from './api';
import { useServerNow } from './clock';
import { formatTime } from './format';
import { liveState, startLive, stopLive } from './live';
import { loadOverview } from './overview';
import { EventsPage } from './pages/events';
import { HeartbeatsPage } from './pages/heartbeats';
import { HomePage } from './pages/home';
import { HostPage } from './pages/host';
import { HostsPage } from './pages/hosts';
import { LoginPage } from './pages/login';
import { Route, useRoute } from './route';
import { useStore } from './store';
import { Announcer } from './ui/announce';

type Auth = 'checking' | 'in' | 'out';

const NAV = [
  { path: '', label: 'Home' },
  { path: 'heartbeats', label: 'Heartbeats' },
  { path: 'events', label: 'Events' },
  { path: 'hosts', label: 'Hosts' },
];

export function App() {
  const [auth, setAuth] = useState<Auth>('checking');
  const [problem, setProblem] = useState<string | null>(null);
  const route = useRoute();

  useEffect(() => {
    onUnauthorized(() => setAuth('out'));
    get('/api/v1/session').then(
      () => setAuth('in'),
      (error: unknown) => {
        if (!(error instanceof ApiError && error.status === 401)) {
          setProblem(describeError(error));
        }
        setAuth('out');
      },
    );
  }, []);

  useEffect(() => {
    if (auth !== 'in') {
      stopLive();
      return;
    }
    startLive();
    loadOverview().catch(() => undefined);
  }, [auth]);

  const logout = async (): Promise<void> => {
    try {
      await api('DELETE', '/api/v1/session');
    } catch {
      // the session is gone either way for this page; the server refuses the cookie once revoked
    }
    setAuth('out');
  };

  return (
    <>
      <a class="skip" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Watchtower
        </a>
        {auth === 'in' && (
          <>
            <nav aria-label="Sections">
              {NAV.map((item) => (
                <a
                  key={item.path}
                  href={`#/${item.path}`}
                  aria-current={(route.parts[0] ?? '') === item.path ? 'page' : undefined}
                >
                  {item.label}
                </a>
              ))}
            </nav>
            <div class="top-right">
              <LiveIndicator />
              <Clock />
              <button type="button" class="quiet" onClick={() => void logout()}>
                Log out
              </button>
            </div>
          </>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {auth === 'checking' && <div class="page-placeholder" aria-busy="true" />}
        {auth === 'out' && (
          <LoginPage
            problem={problem}
            onLoggedIn={() => {
              setProblem(null);
              setAuth('in');
            }}
          />
        )}
        {auth === 'in' && <Page route={route} />}
      </main>
      <Announcer />
    </>
  );
}

function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function Page({ route }: { route: Route }) {
  const [section, id] = route.parts;
  const first = useRef(true);
  useEffect(() => {
    // after a navigation, start reading at the new page (not at the link that led there)
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [section, id]);

  switch (section ?? '') {
    case '':
      return <HomePage />;
    case 'heartbeats':
      return <HeartbeatsPage query={route.query} />;
    case 'events':
      return <EventsPage query={route.query} />;
    case 'hosts':
      return id ? <HostPage id={id} /> : <HostsPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing lives at this address. <a href="#/">Back to the overview</a>.
          </p>
        </section>
      );
  }
}

function Clock() {
  const now = useServerNow();
  return (
    <time class="clock" title="Server time, in your time zone">
      {formatTime(now)}
    </time>
  );
}

const LIVE_TEXT = { off: 'offline', connecting: 'connecting', live: 'live', retrying: 'reconnecting' } as const;

function LiveIndicator() {
  const state = useStore(liveState);
  return (
    <span class={`live live-${state}`} title="Updates from the server">
      <span class="dot" aria-hidden="true" />
      {LIVE_TEXT[state]}
    </span>
  );
}
