/**
 * Typed, validated configuration: the DI token every feature injects. Its fields are the table of variables in
 * `env.table.ts` (one entry per variable: name, default, rule), merged into this class at the bottom of that file.
 */
export class Env {}

// This file imports nothing: the channel classes import `Env` at runtime (Nest reads constructor parameter
// types), so it must be complete before any feature file loads, whichever file the process requires first.

/** A bad variable; main.ts prints its message as one line. */
export class EnvError extends Error {}

/** The process environment: main.ts and the TypeORM CLI take it from here, and only from here (STYLE rule 10). */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
