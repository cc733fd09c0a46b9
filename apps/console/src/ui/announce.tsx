import { useEffect } from 'preact/hooks';
import { Store, useStore } from '../store';

// One polite live region for the outcome of actions ("backup cancelled"), read by screen readers and shown
// as a toast for a few seconds.

const message = new Store<{ text: string; error: boolean } | null>(null);
let clearTimer: number | undefined;

export function announce(text: string, error = false): void {
  message.set({ text, error });
  window.clearTimeout(clearTimer);
  clearTimer = window.setTimeout(() => message.set(null), 6000);
}

export function Announcer() {
  const current = useStore(message);
  useEffect(() => () => window.clearTimeout(clearTimer), []);
  return (
    <div class={`toast${current ? ' shown' : ''}${current?.error ? ' error' : ''}`} role="status" aria-live="polite">
      {current?.text}
    </div>
  );
}
