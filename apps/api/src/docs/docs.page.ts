import type { FastifyInstance } from 'fastify';
import { renderDocsPage } from './docs.html';
import { DOCS_CSS } from './docs.style';
import { openApiDocument } from './openapi';

const STYLESHEET = '/api/docs/docs.css';

/**
 * `GET /api/docs` (the page), `/api/docs/json` (the document) and the page's stylesheet. No authentication: the
 * document holds no secrets. Register inside the security-headers scope (app.setup.ts, `mountPages`).
 */
export async function mountApiDocs(scope: FastifyInstance): Promise<void> {
  // Rendered once: the document is a constant, and the page is then as cheap to serve as a static file.
  // Strings, because an object would go through the envelope serializer.
  const json = JSON.stringify(openApiDocument);
  const html = renderDocsPage(openApiDocument, STYLESHEET);
  scope.get('/api/docs/json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(json));
  scope.get('/api/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  scope.get(STYLESHEET, async (_request, reply) => reply.type('text/css; charset=utf-8').send(DOCS_CSS));
}
