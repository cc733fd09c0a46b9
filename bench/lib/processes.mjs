// Child processes: every one is tracked so that none outlives the run (normal end, error, Ctrl-C), and
// cleanups registered by the stores run once, in reverse order.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { log } from './context.mjs';

const children = new Map(); // pid -> { name, proc }
const cleanups = [];
let cleaning = null;

export function track(name, proc) {
  children.set(proc.pid, { name, proc });
  proc.on('exit', () => children.delete(proc.pid));
  return proc;
}

export function spawnTracked(name, command, args, options) {
  const proc = spawn(command, args, options);
  if (proc.pid === undefined) {
    // spawn reports ENOENT asynchronously; the caller's await on exit or output sees it
    proc.on('error', () => undefined);
  } else {
    track(name, proc);
  }
  return proc;
}

export const isRunning = (proc) => proc.exitCode === null && proc.signalCode === null;

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export async function stopChild(proc, graceMs = 12_000) {
  if (!isRunning(proc)) return;
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

/** Runs `fn` at cleanup unless the returned function is called first (the owner cleaned up itself). */
export function onCleanup(fn) {
  const entry = { fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export function cleanupAll() {
  if (cleaning) return cleaning;
  cleaning = (async () => {
    for (const { proc } of [...children.values()]) await stopChild(proc, 5000).catch(() => undefined);
    while (cleanups.length > 0) {
      const { fn } = cleanups.pop();
      await Promise.resolve()
        .then(fn)
        .catch((error) => log(`cleanup: ${error.message}`));
    }
  })();
  return cleaning;
}

// Last resort: whatever happens, no child outlives this process.
process.on('exit', () => {
  for (const { proc } of children.values()) {
    try {
      proc.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves with the first match of `regex` in the child's stdout; rejects on timeout or early exit. */
export function waitForLine(proc, regex, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after ${timeoutMs} ms`)), timeoutMs);
    proc.stdout.on('data', (chunk) => {
      buffer += chunk;
      const match = buffer.match(regex);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited early (code ${code})`));
    });
  });
}

/** Runs a node script to its end: { code, stdout, stderr }. */
export async function runNode(name, script, args = [], { nodeArgs = [], ...options } = {}) {
  const proc = spawnTracked(name, process.execPath, [...nodeArgs, script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (chunk) => (stdout += chunk));
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => {
    proc.on('error', (error) => {
      stderr += error.message;
      resolve(-1);
    });
    proc.on('close', (c, signal) => resolve(c ?? signal));
  });
  return { code, stdout, stderr };
}

export function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
