import { FastifyInstance } from 'fastify';

/**
 * Remembers which methods each registered path answers, so an unmatched request can be told apart:
 * unknown path (404) or known path with the wrong method (405 plus `Allow`, §3.7).
 */
export class RouteIndex {
  private readonly routes: { pattern: RegExp; method: string }[] = [];

  /** Must run before the routes are registered (before `app.init()`). */
  watch(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        // Preflight (CORS answers OPTIONS everywhere) and HEAD (mirrors GET) say nothing about a path.
        if (method === 'OPTIONS' || method === 'HEAD') {
          continue;
        }
        this.routes.push({ pattern: toRegExp(route.url ?? route.path), method: method.toUpperCase() });
      }
    });
  }

  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) {
        methods.add(route.method);
      }
    }
    return [...methods].sort();
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
  return new RegExp(`^${source}/?$`);
}
