import { Worker } from 'node:worker_threads';
import { typescriptHook } from './typescript-hook';

// PGlite's CommonJS build loads its WASM and extensions through import(), which Jest's vm refuses unless node
// runs with --experimental-vm-modules. Plain Node (how the app runs) has no such limit, so specs start the
// embedded services in a worker thread and talk to them over TCP exactly like the app does.
const BOOT = `
${typescriptHook}
const { parentPort, workerData } = require('node:worker_threads');
const start = require(workerData.file)[workerData.name];
start(workerData.arg, (line) => parentPort.postMessage({ line })).then(
  ({ stop, ...result }) => {
    parentPort.postMessage({ result });
    parentPort.once('message', () => stop().then(() => parentPort.postMessage({ stopped: true })));
  },
  (error) => parentPort.postMessage({ error: String(error) }),
);
`;

interface Reply<T> {
  line?: string;
  result?: T;
  error?: string;
  stopped?: boolean;
}

export interface InWorker<T> {
  result: T;
  /** What the service logged, in order. */
  lines: string[];
  stop(): Promise<void>;
}

/** Calls `name(arg, log)` from the module `file` in a worker; it must resolve to `{ ...result, stop() }`. */
export async function startInWorker<T>(file: string, name: string, arg: unknown): Promise<InWorker<T>> {
  const worker = new Worker(BOOT, { eval: true, workerData: { file, name, arg } });
  const lines: string[] = [];
  const next = async (): Promise<Reply<T>> =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: Reply<T>): void => {
        if (reply.line !== undefined) {
          lines.push(reply.line);
          return;
        }
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(reply);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const started = await next();
  if (started.result === undefined) {
    await worker.terminate();
    throw new Error(started.error ?? `${name} did not start in the worker`);
  }
  let stopping: Promise<void> | undefined;
  return {
    result: started.result,
    lines,
    stop: async () =>
      (stopping ??= (async () => {
        const stopped = next();
        worker.postMessage('stop');
        await stopped;
        await worker.terminate();
      })()),
  };
}

/** The embedded PostgreSQL of `dataDir`, in a worker. */
export async function startPostgresInWorker(dataDir: string): Promise<InWorker<{ url: string }>> {
  return startInWorker(require.resolve('../embedded-postgres'), 'startEmbeddedPostgres', dataDir);
}
