import type { HostInfo } from '@lib/wire-format';
import { release } from 'node:os';
import type { CommandRunner } from './command-runner';
import type { FileReader } from './proc-fs';
import { parseMeminfo } from './system';

export interface HostInfoOptions {
  /** From `loadHostId`. */
  hostId: string;
  /** `AGENT_HOSTNAME`: wins over every detected name. */
  hostname?: string;
  /** `AGENT_OS`: wins over os-release. */
  os?: string;
  proc?: string;
  etc?: string;
  /** Defaults to `os.release()` (containers share the host's kernel). */
  kernel?: string;
}

/** Model and logical CPU count from `/proc/cpuinfo`. */
export interface CpuInfo {
  model: string | null;
  cores: number | null;
}

const LSCPU_TIMEOUT_MS = 2000;
const HOSTNAME_TIMEOUT_MS = 2000;

function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** `PRETTY_NAME` of an os-release file, surrounding quotes removed. */
export function parseOsRelease(text: string): string | null {
  for (const line of text.split('\n')) {
    const match = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (match) {
      return present(match[1].trim().replace(/^(["'])(.*)\1$/, '$2'));
    }
  }
  return null;
}

/** The first `model name` value and the number of `processor` lines (0 → `null`). */
export function parseCpuinfo(text: string): CpuInfo {
  const lines = text.split('\n');
  const modelLine = lines.find((line) => /^model name\s*:/.test(line));
  const cores = lines.filter((line) => line.startsWith('processor')).length;
  return { model: present(modelLine?.slice(modelLine.indexOf(':') + 1)), cores: cores > 0 ? cores : null };
}

/** The CPU model from `lscpu`: `Model name` (unless `-`), else `Vendor (Architecture)`, else either. */
export function parseLscpu(text: string): string | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    const value = colon > 0 ? present(line.slice(colon + 1)) : null;
    if (value !== null && !fields.has(line.slice(0, colon).trim())) {
      fields.set(line.slice(0, colon).trim(), value);
    }
  }
  const model = fields.get('Model name');
  const vendor = fields.get('Vendor ID');
  const architecture = fields.get('Architecture');
  if (model !== undefined && model !== '-') {
    return model;
  }
  if (vendor !== undefined && architecture !== undefined) {
    return `${vendor} (${architecture})`;
  }
  return vendor ?? architecture ?? null;
}

/** Whole seconds since boot: the integer part of the first number of `/proc/uptime`. */
export function parseUptime(text: string): number | null {
  const match = /^\s*(\d+)(\.\d*)?(\s|$)/.exec(text);
  return match && Number.isSafeInteger(Number(match[1])) ? Number(match[1]) : null;
}

/** True when `/.dockerenv` exists or PID 1's cgroups mention Docker or containerd. */
export function isContainer(dockerenv: string | null, initCgroup: string | null): boolean {
  return dockerenv !== null || /docker|containerd/.test(initCgroup ?? '');
}

/** `os` as reported: the pretty name, marked ` (Docker)` when the agent itself runs in a container. */
export function describeOs(prettyName: string | null, containerized: boolean): string | null {
  if (!containerized) {
    return prettyName;
  }
  return prettyName === null ? 'Linux (Docker)' : `${prettyName} (Docker)`;
}

/** Seconds since boot, read on every request (ours: the reference's value went stale). */
export async function collectUptime(fs: FileReader, proc = '/proc'): Promise<number | null> {
  const text = await fs.read(`${proc}/uptime`);
  return text === null ? null : parseUptime(text);
}

async function detectHostname(fs: FileReader, commands: CommandRunner, proc: string, etc: string): Promise<string> {
  const [kernel, file] = await Promise.all([fs.read(`${proc}/sys/kernel/hostname`), fs.read(`${etc}/hostname`)]);
  const known = present(kernel) ?? present(file);
  if (known !== null) {
    return known;
  }
  const result = await commands.run('hostname', [], { timeoutMs: HOSTNAME_TIMEOUT_MS });
  return (result.ok ? present(result.stdout) : null) ?? 'unknown';
}

async function detectCpuModel(commands: CommandRunner, cpuinfo: CpuInfo): Promise<string | null> {
  if (cpuinfo.model !== null) {
    return cpuinfo.model;
  }
  // ARM kernels often have no `model name`; lscpu knows the part names
  const result = await commands.run('lscpu', [], { timeoutMs: LSCPU_TIMEOUT_MS });
  return result.ok ? parseLscpu(result.stdout) : null;
}

/**
 * Host information for the request envelope (spec §2). Detected once at start, except `uptime_secs`,
 * which `collectUptime` refreshes for every request. Never throws.
 */
export async function collectHostInfo(
  fs: FileReader,
  commands: CommandRunner,
  options: HostInfoOptions,
): Promise<HostInfo> {
  const proc = options.proc ?? '/proc';
  const etc = options.etc ?? '/etc';
  const hostMode = proc !== '/proc';
  const [hostname, osRelease, dockerenv, initCgroup, cpuinfoText, meminfo, uptime] = await Promise.all([
    present(options.hostname) ?? detectHostname(fs, commands, proc, etc),
    fs.read(`${etc}/os-release`),
    // the agent's own filesystem, not the host's: these say whether the agent runs in a container
    hostMode ? null : fs.read('/.dockerenv'),
    hostMode ? null : fs.read('/proc/1/cgroup'),
    fs.read(`${proc}/cpuinfo`),
    fs.read(`${proc}/meminfo`),
    collectUptime(fs, proc),
  ]);
  const cpuinfo = parseCpuinfo(cpuinfoText ?? '');
  const prettyName = osRelease === null ? null : parseOsRelease(osRelease);
  return {
    host_id: options.hostId,
    hostname,
    os: present(options.os) ?? describeOs(prettyName, isContainer(dockerenv, initCgroup)),
    kernel: present(options.kernel ?? release()),
    uptime_secs: uptime,
    cpu_model: await detectCpuModel(commands, cpuinfo),
    cpu_cores: cpuinfo.cores,
    memory_total_bytes: meminfo === null ? null : parseMeminfo(meminfo).memory_total_bytes,
  };
}
