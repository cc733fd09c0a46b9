/**
 * The agent's log lines, all on stderr: stdout carries only a command's result (the JSON of `once`, the line of
 * `check`), and the journal gets `run`'s lines either way. Not Nest's logger: loading @nestjs/common and
 * @nestjs/core costs the agent about 45 MB of RSS (bench/ANALYSIS.md), for an agent whose target is 50.
 */
export type LogLevel = 'log' | 'warn' | 'error';

const LABELS: Record<LogLevel, string> = { log: 'LOG', warn: 'WARN', error: 'ERROR' };
let enabled = new Set<LogLevel>(['log', 'warn', 'error']);

/** Which levels are written from now on (main.ts: `run` logs everything, the other commands warnings only). */
export function setLogLevels(levels: LogLevel[]): void {
  enabled = new Set(levels);
}

export interface AgentLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger whose lines name `context`: `2026-12-01T10:00:00.000Z WARN [Uplink] no ack within 30 s; ...`. */
export function agentLogger(context: string): AgentLogger {
  const write = (level: LogLevel, message: string): void => {
    if (enabled.has(level)) {
      process.stderr.write(`${new Date().toISOString()} ${LABELS[level]} [${context}] ${message}\n`);
    }
  };
  return {
    log: (message) => write('log', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
  };
}
