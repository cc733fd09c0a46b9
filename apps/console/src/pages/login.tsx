import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, describeError } from '../api';
import { useTitle } from '../route';

/** The admin password, exchanged for a session cookie (HttpOnly: the page never sees it). */
export function LoginPage({ problem, onLoggedIn }: { problem: string | null; onLoggedIn: () => void }) {
  useTitle('Log in');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(problem);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // `autofocus` only works for what the first parse of the page holds; this form comes later
  useEffect(() => input.current?.focus(), []);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/v1/session', { password });
      onLoggedIn();
    } catch (failure) {
      setError(loginError(failure));
      setBusy(false);
      input.current?.select();
    }
  };

  return (
    <section class="login">
      <h1>Log in</h1>
      <form onSubmit={(event) => void submit(event)} class="card">
        <label for="password">Admin password</label>
        <input
          id="password"
          ref={input}
          type="password"
          name="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'login-error' : undefined}
        />
        <p id="login-error" class="error" role="alert">
          {error ?? ''}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <p class="muted">
        The password is <code>ADMIN_PASSWORD</code> (by default <code>WATCHTOWER_PASSWORD</code>; the quick start keeps
        it in <code>data/password</code>).
      </p>
    </section>
  );
}

function loginError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) {
      return 'Wrong password.';
    }
    if (error.status === 429) {
      return `Too many failed attempts: try again in ${error.retryAfter ?? 60} s.`;
    }
  }
  return describeError(error);
}
