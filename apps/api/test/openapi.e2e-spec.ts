import { releaseVersion } from '@lib/release';
import { request as httpRequest } from 'node:http';
import { RouteIndex } from '../src/common/route-index';
import { serializeEnvelope } from '../src/common/envelope';
import { escapeHtml } from '../src/docs/docs.text';
import { openApiDocument } from '../src/docs/openapi';
import type { Example, Operation, Response } from '../src/docs/openapi.types';
import { METHODS } from '../src/docs/openapi.types';
import { eventually, TestApp, TestStores } from './app';

const doc = openApiDocument;

interface Documented {
  path: string;
  method: string;
  operation: Operation;
}

const documented: Documented[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  METHODS.flatMap((method) => {
    const operation = item[method];
    return operation === undefined ? [] : [{ path, method: method.toUpperCase(), operation }];
  }),
);

function responseOf(entry: Operation['responses'][string]): Response {
  return '$ref' in entry ? doc.components.responses[entry.$ref.split('/').pop()!] : entry;
}

function example(operation: Operation, status: string, name: string): unknown {
  const found = responseOf(operation.responses[status]).content?.['application/json']?.examples?.[name];
  if (found === undefined) {
    throw new Error(`${operation.operationId}: no example ${status}/${name}`);
  }
  return found.value;
}

function requestExample(operation: Operation, name: string): unknown {
  return operation.requestBody!.content['application/json'].examples![name].value;
}

/** Keys all the way down (an array by its first item, a value by its type): what "the same shape" means here. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.length === 0 ? [] : [shape(value[0])];
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.keys(value).map((key) => [key, shape((value as Record<string, unknown>)[key])]));
  }
  return value === null ? 'null' : typeof value;
}

/** Every example of every response and request body, with where it sits. */
function allExamples(): { where: string; type: string; status?: string; example: Example }[] {
  return documented.flatMap(({ path, method, operation }) => {
    const responses = Object.entries(operation.responses).flatMap(([status, entry]) =>
      Object.entries(responseOf(entry).content ?? {}).flatMap(([type, media]) =>
        Object.entries(media.examples ?? {}).map(([name, example]) => ({
          where: `${method} ${path} ${status} ${name}`,
          type,
          status,
          example,
        })),
      ),
    );
    const bodies = Object.entries(operation.requestBody?.content ?? {}).flatMap(([type, media]) =>
      Object.entries(media.examples ?? {}).map(([name, example]) => ({
        where: `${method} ${path} body ${name}`,
        type,
        example,
      })),
    );
    return [...responses, ...bodies];
  });
}

/** A plain upgrade without a key, on a raw request: fetch cannot send one. */
async function refusedUpgrade(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/api/v1/agents/ws`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', () => reject(new Error('upgraded without a key')));
    req.on('error', reject);
    req.end();
  });
}

describe('GET /api/docs (the OpenAPI document)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
  });
  afterAll(async () => stores.destroy());

  it('serves the document at /api/docs/json: OpenAPI 3.1.0, the release version, no password needed', async () => {
    const res = await app.request('GET', '/api/docs/json', { password: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const served = JSON.parse(res.text);
    expect(served.openapi).toBe('3.1.0');
    expect(served.info.version).toBe(releaseVersion());
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    // not wrapped in the envelope
    expect(served.result).toBeUndefined();
  });

  it('documents every route Fastify registered, except Bull Board internals and console files', () => {
    const registered = app.app.get(RouteIndex).routes();
    expect(registered.length).toBeGreaterThan(40);
    const missing = registered
      // /gui alone is registered only without a console build (a redirect to /gui/)
      .filter(({ url }) => !url.startsWith('/bullboard/') && !url.startsWith('/gui/') && url !== '/gui')
      .filter(({ method, url }) => {
        const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        return doc.paths[path]?.[method.toLowerCase() as 'get'] === undefined;
      })
      .map(({ method, url }) => `${method} ${url}`);
    expect(missing).toEqual([]);
  });

  it('documents only routes that exist', async () => {
    const routes = app.app.get(RouteIndex);
    const absent = documented
      .filter(({ operation }) => operation['x-websocket'] === undefined)
      .filter(({ path, method, operation }) => {
        const concrete = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
          const parameter = operation.parameters?.find((p) => p.in === 'path' && p.name === name);
          return encodeURIComponent(String(parameter?.example ?? 'x'));
        });
        return !routes.allowed(concrete).includes(method);
      })
      .map(({ method, path }) => `${method} ${path}`);
    expect(absent).toEqual([]);
    // the WebSocket is no Fastify route: the upgrade handler answers it, refusing a request without a key
    const socket = documented.filter(({ operation }) => operation['x-websocket'] !== undefined);
    expect(socket.map(({ path }) => path)).toEqual(['/api/v1/agents/ws']);
    const refused = await refusedUpgrade(app.url);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body)).toEqual(example(socket[0].operation, '401', 'missing'));
  });

  it('gives every route a summary, an example request and an example answer; ids are unique, $refs resolve', () => {
    for (const { method, path, operation } of documented) {
      const where = `${method} ${path}`;
      expect([where, operation.summary.length > 0]).toEqual([where, true]);
      expect([where, operation['x-codeSamples'].length > 0]).toEqual([where, true]);
      const answers = Object.values(operation.responses).filter((entry) => {
        const content = responseOf(entry).content ?? {};
        return Object.values(content).some((media) => Object.keys(media.examples ?? {}).length > 0);
      });
      // the HTML pages (console, Bull Board, this page) have no body worth quoting; their errors do
      expect([where, answers.length > 0]).toEqual([where, true]);
      for (const media of Object.values(operation.requestBody?.content ?? {})) {
        expect([where, Object.keys(media.examples ?? {}).length > 0]).toEqual([where, true]);
      }
    }
    const ids = documented.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    const broken = refs
      .map((text) => text.slice('"$ref":"#/'.length, -1).split('/'))
      .filter(([components, kind, name]) => {
        const table = doc.components[kind as 'schemas'] as Record<string, unknown> | undefined;
        return components !== 'components' || table?.[name] === undefined;
      });
    expect(broken).toEqual([]);
  });

  it('writes envelope examples as the exact bytes: keys sorted, `result` the status', () => {
    const envelopes = allExamples().filter(
      ({ type, example }) =>
        type === 'application/json' && typeof (example.value as { result?: unknown } | null)?.result === 'number',
    );
    expect(envelopes.length).toBeGreaterThan(50);
    for (const { where, status, example } of envelopes) {
      expect([where, JSON.stringify(example.value) + '\n']).toEqual([where, serializeEnvelope(example.value)]);
      if (status !== undefined) {
        expect([where, (example.value as { result: number }).result]).toEqual([where, Number(status)]);
      }
    }
  });

  it('matches the live answers of POST / (pulse, JSON and form, and a refusal)', async () => {
    const pulse = doc.paths['/'].post!;
    const sent = await app.request('POST', '/', { body: requestExample(pulse, 'spec') });
    expect(sent.status).toBe(200);
    expect(shape(sent.json)).toEqual(shape(example(pulse, '200', 'pulse')));
    expect(sent.json).toMatchObject({ action: 'pulse', heartBeat: { service: 'svcA', nextIn: 60 }, result: 200 });

    const form = pulse.requestBody!.content['application/x-www-form-urlencoded'].examples!.form.value as string;
    const asForm = await app.request('POST', '/', { raw: form, contentType: 'application/x-www-form-urlencoded' });
    expect(shape(asForm.json)).toEqual(shape(example(pulse, '200', 'pulse')));

    const refused = await app.request('POST', '/', { body: { alertType: 'pushover', alertTarget: 'x', nextIn: 60 } });
    expect(refused.status).toBe(400);
    expect(refused.text).toBe(serializeEnvelope(example(pulse, '400', 'noService')));
    const stranger = await app.request('POST', '/', { password: 'wrong', body: {} });
    expect(stranger.text).toBe(serializeEnvelope(example(pulse, '403', 'bad')));
  });

  it('matches the live answer of GET /events', async () => {
    const add = doc.paths['/event'].post!;
    expect((await app.request('POST', '/event', { body: requestExample(add, 'spec') })).text).toBe(
      serializeEnvelope(example(add, '200', 'stored')),
    );
    const list = doc.paths['/events'].get!;
    const page = await eventually(async () => {
      const res = await app.request('GET', '/events?service=^test4$');
      expect(res.json.events).toHaveLength(1);
      return res;
    });
    expect(shape(page.json)).toEqual(shape(example(list, '200', 'lastPage')));
    expect(page.json.events[0]).toEqual({
      ...(example(list, '200', 'filtered') as { events: object[] }).events[0],
      date: expect.any(Number),
    });
    const bad = await app.request('GET', '/events?level=high');
    expect(bad.text).toBe(serializeEnvelope(example(list, '400', 'level')));
  });

  it('serves a readable page at /api/docs under the CSP: no inline script or style, every path, escaped text', async () => {
    const res = await app.request('GET', '/api/docs', { password: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = res.text;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    for (const { path, operation } of documented) {
      expect(html).toContain(`<code class="path">${escapeHtml(path)}</code>`);
      expect(html).toContain(`id="op-${operation.operationId.toLowerCase()}"`);
    }
    for (const tag of doc.tags) {
      expect(html).toContain(`id="tag-${tag.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}"`);
    }
    // hints and examples are text, never markup
    expect(html).toContain('missing Authorization: Bearer &#60;agent key&#62;');
    expect(html).not.toContain('<agent key>');
    expect(html).toContain(escapeHtml('{"hint":"bad password","result":403}'));

    const css = await app.request('GET', '/api/docs/docs.css', { password: null });
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.text).toContain('prefers-color-scheme: dark');
    expect(html).toContain('<link rel="stylesheet" href="/api/docs/docs.css">');

    // the three answers begin as their documented excerpts, with the documented content types
    for (const path of ['/api/docs', '/api/docs/json', '/api/docs/docs.css']) {
      const [[type, media]] = Object.entries(responseOf(doc.paths[path].get!.responses['200']).content!);
      const live = await app.request('GET', path, { password: null });
      expect([path, live.headers.get('content-type')]).toEqual([path, type]);
      expect([path, live.text.startsWith(media.examples!.excerpt.value as string)]).toEqual([path, true]);
    }
  });
});
