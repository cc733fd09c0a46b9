import fastifyStatic from '@fastify/static';
import { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/**
 * Where `npm run build` puts the console (vite, apps/console): `dist/gui` beside `dist/apps`. This file runs from
 * `dist/apps/api/src/console` when built and from `apps/api/src/console` under Jest, so both are looked for.
 */
export function guiDirectory(): string {
  const root = resolve(__dirname, '../../../..');
  return basename(root) === 'dist' ? join(root, 'gui') : join(root, 'dist', 'gui');
}

/**
 * The console at /gui, /gui/ and /gui/app, its files under /gui/ (watchtower-protocol.md §5.10: no authentication,
 * `..` and missing files are 404). Without a build the pages answer 503 with the command that makes them, instead
 * of a bare 404. Register inside the security-headers scope (app.setup.ts).
 */
export async function mountConsole(scope: FastifyInstance, directory = guiDirectory()): Promise<void> {
  if (!existsSync(join(directory, 'index.html'))) {
    scope.get('/gui*', async (_request, reply) =>
      reply
        .code(503)
        .type('application/json; charset=utf-8')
        // a string: an object would go through the envelope serializer, which stamps result 200
        .send('{"hint":"console not built: run npm run build","result":503}\n'),
    );
    return;
  }
  await scope.register(fastifyStatic, {
    root: directory,
    prefix: '/gui/',
    index: ['index.html'],
    wildcard: true,
    // hashed asset names may be cached for good; index.html must be fetched again to see a new build
    cacheControl: false,
    setHeaders: (reply, path) => {
      void reply.header(
        'cache-control',
        path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
      );
    },
  });
  // the page's assets are addressed from /gui/ (vite's base), so the same page works at every entry
  for (const entry of ['/gui', '/gui/app']) {
    scope.get(entry, async (_request, reply) =>
      reply.header('cache-control', 'no-cache').sendFile('index.html', directory),
    );
  }
}
