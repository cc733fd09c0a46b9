import { spawn, type ChildProcess } from 'node:child_process';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Keeps `child` (spawned detached, so Ctrl-C does not reach it) from outliving this process:
 * - on exit (process.exit, uncaught exception, empty event loop) it gets SIGTERM;
 * - on a signal nobody else handles it gets SIGTERM, then the signal is raised again with its default action
 *   (main.ts handles SIGINT and SIGTERM itself: it closes the app, then calls stop());
 * - if this process dies without running any hook (SIGKILL, OOM), a `sh` watchdog reading a pipe from us
 *   sees end-of-file and sends SIGTERM.
 * Returns the function that removes the three once the child has been stopped normally.
 */
export function tieToParent(child: ChildProcess): () => void {
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
  };
  const watchdog = spawn('sh', ['-c', 'read -r _; kill -TERM "$1" 2>/dev/null', 'watchdog', String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.on('error', () => undefined); // no sh: the two in-process hooks still hold
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) {
      return;
    }
    kill();
    untie();
    process.kill(process.pid, signal);
  };
  const untie = (): void => {
    process.off('exit', kill);
    SIGNALS.forEach((signal) => process.off(signal, onSignal));
    watchdog.kill('SIGKILL');
  };
  process.on('exit', kill);
  SIGNALS.forEach((signal) => process.on(signal, onSignal));
  return untie;
}
