import { EntityManager } from 'typeorm';

/**
 * A service pattern matching at most this many distinct names reads their events through the lower(service) index;
 * a wider one runs the regex over the window's rows, as it always could.
 */
export const MAX_MATCHED_SERVICES = 1000;

/** The stored names a `service` filter matches, read from `event_services` so the rows can come by index. */
export interface ServiceNames {
  names: string[];
  lowered: string[];
  /** Some stored name shares a lower() form with a match without matching: rows need the exact-name check. */
  exactCase: boolean;
}

/**
 * The distinct service names the pattern matches (the same `~*` the rows would get) and their lower() forms, which
 * the index holds; undefined when too many match.
 */
export async function namesMatching(manager: EntityManager, pattern: string): Promise<ServiceNames | undefined> {
  // `variants`: every stored name sharing a lower() form with a match; more than the matches means some case
  // variant did not match, and the rows must then be checked against the exact names too
  const rows = await manager.query<{ name: string; lowered: string; variants: string }[]>(
    `WITH matched AS (SELECT name FROM event_services WHERE name ~* $1 LIMIT $2)
     SELECT name, lower(name) AS lowered,
            (SELECT count(*) FROM event_services WHERE lower(name) IN (SELECT lower(name) FROM matched)) AS variants
       FROM matched`,
    [pattern, MAX_MATCHED_SERVICES + 1],
  );
  if (rows.length > MAX_MATCHED_SERVICES) {
    return undefined;
  }
  return toNames(rows, rows.length === 0 ? 0 : Number(rows[0].variants));
}

/** `^literal$`: the stored names equal to `literal` but for case that `pattern` (its regex) matches; `~*` per name. */
export async function namesEqualTo(manager: EntityManager, literal: string, pattern: string): Promise<ServiceNames> {
  const rows = await manager.query<{ name: string; lowered: string; matches: boolean }[]>(
    `SELECT name, lower(name) AS lowered, name ~* $1 AS matches FROM event_services WHERE lower(name) = lower($2)`,
    [pattern, literal],
  );
  return toNames(
    rows.filter((row) => row.matches),
    rows.length,
  );
}

function toNames(matched: { name: string; lowered: string }[], variants: number): ServiceNames {
  return {
    names: matched.map((row) => row.name),
    lowered: [...new Set(matched.map((row) => row.lowered))],
    exactCase: matched.length > 0 && variants > matched.length,
  };
}
