// The part of OpenAPI 3.1 this document uses, typed so that a misspelt key fails the build instead of
// producing a document that viewers silently misread. Extensions (`x-...`) are the ones the HTML page renders.

/** JSON Schema 2020-12, the subset our payloads need. */
export interface Schema {
  $ref?: string;
  type?: JsonType | JsonType[];
  title?: string;
  description?: string;
  enum?: (string | number | boolean | null)[];
  const?: string | number | boolean | null;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  prefixItems?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  oneOf?: Schema[];
  allOf?: Schema[];
  anyOf?: Schema[];
  default?: unknown;
  examples?: unknown[];
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

export interface Example {
  summary?: string;
  description?: string;
  value: unknown;
}

export interface MediaType {
  schema?: Schema;
  examples?: Record<string, Example>;
}

export interface Header {
  description: string;
  schema: Schema;
}

export interface Response {
  description: string;
  headers?: Record<string, Header>;
  content?: Record<string, MediaType>;
}

export interface Reference {
  $ref: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  description: string;
  required?: boolean;
  schema: Schema;
  example?: unknown;
}

export interface RequestBody {
  description?: string;
  required?: boolean;
  content: Record<string, MediaType>;
}

/** A shell command a reader can paste, as Redoc and others read `x-codeSamples`. */
export interface CodeSample {
  lang: 'shell';
  label?: string;
  source: string;
}

/** One message of the agent WebSocket, for `x-websocket` (OpenAPI has no vocabulary for frames). */
export interface SocketMessage {
  type: string;
  direction: 'agent to server' | 'server to agent';
  description: string;
  example: unknown;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: SecurityRequirement[];
  parameters?: Parameter[];
  requestBody?: RequestBody;
  responses: Record<string, Response | Reference>;
  'x-codeSamples': CodeSample[];
  /** Not a Fastify route: the HTTP server's `upgrade` event answers it (agents.gateway.ts). */
  'x-websocket'?: { closeCodes: Record<string, string>; messages: SocketMessage[] };
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type PathItem = Partial<Record<Method, Operation>> & { summary?: string; description?: string };

export type SecurityRequirement = Record<string, string[]>;

export type SecurityScheme =
  | { type: 'apiKey'; name: string; in: 'header' | 'cookie'; description: string }
  | { type: 'http'; scheme: 'basic' | 'bearer'; bearerFormat?: string; description: string };

export interface Tag {
  name: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: {
    title: string;
    version: string;
    summary: string;
    description: string;
    license: { name: string; identifier: string };
  };
  servers: { url: string; description: string }[];
  tags: Tag[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, Schema>;
    responses: Record<string, Response>;
    securitySchemes: Record<string, SecurityScheme>;
  };
}

export const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];
