import { FastifyInstance } from 'fastify';

/**
 * Remembers which methods each registered path answers, so an unmatched request can be told apart:
 * unknown path (404) or known path with the wrong method (405 plus `Allow`, §3.7).
 */
export class RouteIndex {
  private readonly entries: { pattern: RegExp; method: string; url: string }[] = [];

  /** Must run before the routes are registered (before `app.init()`). */
  watch(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        // Preflight (CORS answers OPTIONS everywhere) and HEAD (mirrors GET) say nothing about a path.
        if (method === 'OPTIONS' || method === 'HEAD') {
          continue;
        }
        const url = route.url ?? route.path;
        this.entries.push({ pattern: toRegExp(url), method: method.toUpperCase(), url });
      }
    });
  }

  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.entries) {
      if (route.pattern.test(path)) {
        methods.add(route.method);
      }
    }
    return [...methods].sort();
  }

  /** Every registered (method, path pattern), so the API document can be checked against what really answers. */
  routes(): { method: string; url: string }[] {
    return this.entries.map(({ method, url }) => ({ method, url }));
  }
}

function toRegExp(url: string): RegExp {
  const source = url
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        return '[^/]+';
      }
      if (part === '*') {
        return '.*';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  // Exact: the router does not ignore trailing slashes, so `/hello/` is another path (404, not 405 "Allow: GET")
  return new RegExp(`^${source}$`);
}
