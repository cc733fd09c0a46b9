import { serializeEnvelope } from '../common/envelope';
import { renderSchemas, schemaType } from './docs.schemas-html';
import { escapeHtml, inline, paragraphs, slug, table } from './docs.text';
import type {
  MediaType,
  Method,
  OpenApiDocument,
  Operation,
  Parameter,
  Reference,
  Response,
  SecurityRequirement,
} from './openapi.types';
import { METHODS } from './openapi.types';

// The document as one server-rendered page: no script at all (the CSP allows none inline, and a reader needs
// none), every text escaped, and an anchor on each tag, route, response and schema so links can point anywhere.

interface Route {
  path: string;
  method: Method;
  operation: Operation;
}

function routesOf(doc: OpenApiDocument): Route[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      return operation === undefined ? [] : [{ path, method, operation }];
    }),
  );
}

const SCHEME_LABELS: Record<string, string> = {
  password: '<code>password</code> header',
  adminPassword: '<code>password</code> header with the admin password',
  consoleSession: 'console session cookie <code>wt_session</code>',
  bullBoard: 'HTTP basic (admin password)',
  agentKey: 'agent key as <code>Authorization: Bearer</code>',
  metricsToken: '<code>Authorization: Bearer</code> METRICS_TOKEN',
};

function security(requirements: SecurityRequirement[] | undefined): string {
  if (requirements === undefined || requirements.length === 0) {
    return 'none';
  }
  return requirements
    .map((requirement) => {
      const names = Object.keys(requirement);
      return names.length === 0 ? 'none' : names.map((name) => SCHEME_LABELS[name] ?? escapeHtml(name)).join(' and ');
    })
    .join(', or ');
}

/** Envelope examples as the exact bytes the server sends; other JSON readable; text as is. */
function exampleText(type: string, value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const isEnvelope =
    typeof value === 'object' && value !== null && typeof (value as { result?: unknown }).result === 'number';
  if (type.startsWith('application/json') && isEnvelope) {
    return serializeEnvelope(value).trimEnd();
  }
  const compact = JSON.stringify(value);
  return compact.length <= 160 ? compact : JSON.stringify(value, null, 2);
}

function media(content: Record<string, MediaType> | undefined, anchor: string): string {
  if (content === undefined) {
    return '';
  }
  return Object.entries(content)
    .map(([type, { schema, examples }]) => {
      const shown = Object.entries(examples ?? {})
        .map(
          ([name, example]) =>
            `<figure id="${anchor}-${slug(name)}"><figcaption>${inline(example.summary ?? name)}</figcaption>` +
            `<pre><code>${escapeHtml(exampleText(type, example.value))}</code></pre></figure>`,
        )
        .join('');
      const typed = schema === undefined ? '' : ` · ${schemaType(schema)}`;
      return `<div class="media"><p class="media-type"><code>${escapeHtml(type)}</code>${typed}</p>${shown}</div>`;
    })
    .join('');
}

function parameters(list: Parameter[] | undefined): string {
  if (list === undefined || list.length === 0) {
    return '';
  }
  const rows = list.map((p) => [
    `<code>${escapeHtml(p.name)}</code>${p.required === true ? ' <span class="required">required</span>' : ''}`,
    escapeHtml(p.in),
    schemaType(p.schema),
    inline(p.description) +
      (p.example === undefined
        ? ''
        : ` <span class="example">e.g. <code>${escapeHtml(String(p.example))}</code></span>`),
  ]);
  return `<h4>Parameters</h4>${table(['Name', 'In', 'Type', 'Description'], rows)}`;
}

function resolve(doc: OpenApiDocument, entry: Response | Reference): Response {
  if ('$ref' in entry) {
    const name = entry.$ref.split('/').pop() ?? '';
    return doc.components.responses[name];
  }
  return entry;
}

function responses(doc: OpenApiDocument, operation: Operation, anchor: string): string {
  const items = Object.entries(operation.responses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, entry]) => {
      const answer = resolve(doc, entry);
      const headers = Object.entries(answer.headers ?? {})
        .map(([name, header]) => `<li><code>${escapeHtml(name)}</code>: ${inline(header.description)}</li>`)
        .join('');
      const id = `${anchor}-${status}`;
      return (
        `<details id="${id}"${status.startsWith('2') ? ' open' : ''}><summary><span class="status s${status[0]}">` +
        `${escapeHtml(status)}</span> ${inline(answer.description)}</summary>` +
        `${headers === '' ? '' : `<ul class="headers">${headers}</ul>`}${media(answer.content, id)}</details>`
      );
    })
    .join('');
  return `<h4>Responses</h4>${items}`;
}

function socket(operation: Operation): string {
  const spec = operation['x-websocket'];
  if (spec === undefined) {
    return '';
  }
  const messages = spec.messages.map((m) => [
    `<code>${escapeHtml(m.type)}</code>`,
    escapeHtml(m.direction),
    `${inline(m.description)}<pre><code>${escapeHtml(JSON.stringify(m.example))}</code></pre>`,
  ]);
  const codes = Object.entries(spec.closeCodes).map(([code, meaning]) => [
    `<code>${escapeHtml(code)}</code>`,
    inline(meaning),
  ]);
  return (
    `<h4>Messages</h4>${table(['Type', 'Direction', 'Meaning and example'], messages)}` +
    `<h4>Close codes</h4>${table(['Code', 'When'], codes)}`
  );
}

function route(doc: OpenApiDocument, { path, method, operation }: Route): string {
  const anchor = `op-${slug(operation.operationId)}`;
  const body = operation.requestBody;
  const samples = operation['x-codeSamples']
    .map(
      (sample) =>
        `<figure><figcaption>${inline(sample.label ?? 'Example')}</figcaption>` +
        `<pre><code>${escapeHtml(sample.source)}</code></pre></figure>`,
    )
    .join('');
  return (
    `<article class="route" id="${anchor}"><h3><a class="anchor" href="#${anchor}" aria-label="Link to this route">#</a>` +
    `<span class="method ${method}">${method.toUpperCase()}</span> <code class="path">${escapeHtml(path)}</code></h3>` +
    `<p class="summary">${inline(operation.summary)}</p>` +
    (operation.description === undefined ? '' : paragraphs(operation.description)) +
    `<p class="auth"><strong>Authentication:</strong> ${security(operation.security)}</p>` +
    parameters(operation.parameters) +
    (body === undefined
      ? ''
      : `<h4>Request body${body.required === true ? ' <span class="required">required</span>' : ''}</h4>` +
        media(body.content, `${anchor}-body`)) +
    responses(doc, operation, anchor) +
    socket(operation) +
    `<h4>Try it</h4>${samples}</article>`
  );
}

function contents(doc: OpenApiDocument, routes: Route[]): string {
  const groups = doc.tags
    .map((tag) => {
      const links = routes
        .filter((r) => r.operation.tags.includes(tag.name))
        .map(
          (r) =>
            `<li><a href="#op-${slug(r.operation.operationId)}"><span class="method ${r.method}">` +
            `${r.method.toUpperCase()}</span> ${escapeHtml(r.path)}</a></li>`,
        )
        .join('');
      return `<li><a href="#tag-${slug(tag.name)}">${escapeHtml(tag.name)}</a><ul>${links}</ul></li>`;
    })
    .join('');
  return (
    '<nav class="contents" aria-label="Contents"><h2>Contents</h2><ul><li><a href="#overview">Overview</a></li>' +
    `<li><a href="#authentication">Authentication</a></li>${groups}<li><a href="#schemas">Schemas</a></li></ul></nav>`
  );
}

function schemes(doc: OpenApiDocument): string {
  const rows = Object.entries(doc.components.securitySchemes).map(([name, scheme]) => {
    const where =
      scheme.type === 'apiKey'
        ? `${scheme.in} <code>${escapeHtml(scheme.name)}</code>`
        : `HTTP ${scheme.scheme}${scheme.bearerFormat === undefined ? '' : ` (<code>${escapeHtml(scheme.bearerFormat)}</code>)`}`;
    return [`<code>${escapeHtml(name)}</code>`, where, inline(scheme.description)];
  });
  return `<section id="authentication"><h2>Authentication</h2>${table(['Scheme', 'Where', 'What'], rows)}</section>`;
}

export function renderDocsPage(doc: OpenApiDocument, stylesheet: string): string {
  const routes = routesOf(doc);
  const title = `${doc.info.title} ${doc.info.version}`;
  const sections = doc.tags
    .map((tag) => {
      const inTag = routes.filter((r) => r.operation.tags.includes(tag.name));
      return (
        `<section class="tag" id="tag-${slug(tag.name)}"><h2>${escapeHtml(tag.name)}</h2>` +
        `<p>${inline(tag.description)}</p>${inTag.map((r) => route(doc, r)).join('')}</section>`
      );
    })
    .join('');
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">' +
    `<title>${escapeHtml(title)}</title><link rel="stylesheet" href="${escapeHtml(stylesheet)}"></head><body>` +
    `<header class="top"><h1>${escapeHtml(doc.info.title)} <span class="version">${escapeHtml(doc.info.version)}</span></h1>` +
    `<p>${inline(doc.info.summary)} OpenAPI ${escapeHtml(doc.openapi)}: <a href="/api/docs/json">the document as JSON</a>` +
    ' · <a href="/gui/">the console</a></p></header>' +
    `<div class="layout">${contents(doc, routes)}<main>` +
    `<section id="overview"><h2>Overview</h2>${paragraphs(doc.info.description)}</section>` +
    `${schemes(doc)}${sections}${renderSchemas(doc.components.schemas)}</main></div></body></html>\n`
  );
}
