import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../stores';

/** The newest server binaries installed (Debian keeps one directory per major version). */
function postgresBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root)
    .filter((entry) => /^\d+$/.test(entry))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server under ${root}`);
  }
  return join(root, versions[0], 'bin', name);
}

/** uid and gid of the `postgres` user: the server refuses to run as root. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PostgreSQL cluster of a test's own (initdb into a temp directory, trust auth, loopback on a free port), so a
 * fault test can crash it without touching the shared cluster on 5432. `stop` is a crash (SIGKILL of the
 * postmaster and every backend), `restart` brings it back on the same port and data directory, which runs crash
 * recovery as after a power cut.
 */
export class PrivatePostgres {
  output = '';
  private child: ChildProcess | null = null;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly user: { uid: number; gid: number },
  ) {}

  get running(): boolean {
    return this.child !== null;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<PrivatePostgres> {
    const user = postgresUser();
    const dir = mkdtempSync(join(tmpdir(), 'wt-private-pg-'));
    chownSync(dir, user.uid, user.gid);
    const pg = new PrivatePostgres(dir, await freePort(), user);
    // --no-sync: the cluster lives for one test; a crash of the server (not of the machine) loses nothing anyway
    execFileSync(
      'runuser',
      ['-u', 'postgres', '--', postgresBin('initdb'), '-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync'],
      { stdio: 'pipe' },
    );
    await pg.restart();
    return pg;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Starts the server on the same port and data directory and resolves once it accepts queries. */
  async restart(timeoutMs = 30_000): Promise<void> {
    if (this.child) {
      throw new Error('the private PostgreSQL is already running');
    }
    // spawned as postgres directly (not through runuser) so the pid is the postmaster's and its process group
    // holds every backend: stop() can SIGKILL them all at once. fsync=off still writes every commit's WAL to the
    // kernel before answering, so a crash of the server loses nothing; only a crash of the machine would
    const settings = ['listen_addresses=127.0.0.1', 'fsync=off'].flatMap((setting) => ['-c', setting]);
    const child = spawn(
      postgresBin('postgres'),
      ['-D', this.dataDir, '-p', String(this.port), '-k', this.dir, ...settings],
      { uid: this.user.uid, gid: this.user.gid, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        this.child = null;
        throw new Error(`the private PostgreSQL exited:\n${this.output}`);
      }
      const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`the private PostgreSQL did not start: ${(error as Error).message}\n${this.output}`);
        }
      } finally {
        await client.end().catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * A crash: SIGKILL to the postmaster's process group, so no backend is left holding the shared memory that
   * would stop the restart. Resolves once every process of the group is gone.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) {
      return;
    }
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    const deadline = Date.now() + 10_000;
    while (groupAlive(child.pid!)) {
      if (Date.now() > deadline) {
        throw new Error(`backends of the private PostgreSQL (group ${child.pid}) survived SIGKILL`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Runs one query on a short-lived connection (the test's own view of the data, not the API's pool). */
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
