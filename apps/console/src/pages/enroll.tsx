import { useRef, useState } from 'preact/hooks';
import { api, ApiError, describeError } from '../api';
import type { Enrolled } from '../types';

/** Enrolls an agent and shows its key once, with the command that starts the agent with it. */
export function Enroll({ onEnrolled }: { onEnrolled: () => void }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [enrolled, setEnrolled] = useState<Enrolled | null>(null);
  const result = useRef<HTMLDivElement>(null);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<Enrolled>('POST', '/api/v1/agents', { name: name.trim() });
      setEnrolled(answer);
      setName('');
      onEnrolled();
      window.setTimeout(() => result.current?.focus(), 0);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 409
          ? 'An agent of that name is already enrolled.'
          : describeError(failure),
      );
    } finally {
      setBusy(false);
    }
  };

  const command = enrolled
    ? `WATCHTOWER_URL=${location.origin} WATCHTOWER_AGENT_KEY=${enrolled.key} npx watchtower-agent run`
    : '';
  return (
    <section class="card enroll" aria-labelledby="enroll-title">
      <h2 id="enroll-title">Enroll an agent</h2>
      <form onSubmit={(event) => void submit(event)} class="inline-form">
        <div class="field grow">
          <label for="enroll-name">Agent name</label>
          <input
            id="enroll-name"
            required
            maxLength={255}
            value={name}
            placeholder="web-1"
            onInput={(event) => setName(event.currentTarget.value)}
            aria-describedby={error ? 'enroll-error' : undefined}
          />
        </div>
        <div class="field buttons">
          <button type="submit" class="primary" disabled={busy || !name.trim()}>
            Enroll
          </button>
        </div>
      </form>
      <p id="enroll-error" class="error" role="alert">
        {error ?? ''}
      </p>
      {enrolled && (
        <div class="enrolled" ref={result} tabIndex={-1} aria-labelledby="enrolled-title">
          <h3 id="enrolled-title">Key of {enrolled.agent.name}: shown this once</h3>
          <p>The server keeps only a digest: copy it now. A lost key means a new enrollment.</p>
          <Copyable label="Agent key" text={enrolled.key} id="agent-key" />
          <p>On the host, with this repository built (or the package installed), run:</p>
          <Copyable label="Command" text={command} id="agent-command" />
          <p class="muted">
            <code>watchtower-agent check</code> with the same variables tests the connection; the README&apos;s
            &ldquo;Host agent&rdquo; section shows the systemd unit.
          </p>
          <button type="button" onClick={() => setEnrolled(null)}>
            Done, hide the key
          </button>
        </div>
      )}
    </section>
  );
}

function Copyable({ label, text, id }: { label: string; text: string; id: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      // no clipboard (plain http on another host): select the text for a manual copy
      const node = document.getElementById(id);
      if (node) {
        window.getSelection()?.selectAllChildren(node);
      }
    }
  };
  return (
    <div class="copyable">
      <span class="sr-only">{label}:</span>
      <code id={id}>{text}</code>
      <button type="button" class="small" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
