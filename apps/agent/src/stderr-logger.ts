import { ConsoleLogger, LogLevel } from '@nestjs/common';

/**
 * Nest's console logger with every level on stderr: stdout carries only a command's result (the JSON of
 * `once`, the line of `check`), and the journal gets `run`'s lines either way.
 */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _stream?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}
