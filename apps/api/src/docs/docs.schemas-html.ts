import { escapeHtml, inline, slug, table } from './docs.text';
import type { Schema } from './openapi.types';

// Schemas as tables a reader can follow: a reference becomes a link to the schema's own anchor, open so that
// following it shows the schema at once.

function refName(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

/** A one-line type, in HTML: `string | null`, `array of <a>Event</a>`, `"pulse"`. */
export function schemaType(schema: Schema): string {
  if (schema.$ref !== undefined) {
    const name = refName(schema.$ref);
    return `<a href="#schema-${slug(name)}">${escapeHtml(name)}</a>`;
  }
  if (schema.const !== undefined) {
    return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  }
  if (schema.enum !== undefined) {
    return schema.enum.map((value) => `<code>${escapeHtml(JSON.stringify(value))}</code>`).join(' | ');
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives !== undefined) {
    return alternatives.map(schemaType).join(' | ');
  }
  if (schema.allOf !== undefined) {
    return schema.allOf.map(schemaType).join(' and ');
  }
  const types = schema.type === undefined ? ['any'] : Array.isArray(schema.type) ? schema.type : [schema.type];
  return types
    .map((type) => {
      if (type === 'array' && schema.prefixItems !== undefined) {
        return `[${schema.prefixItems.map(schemaType).join(', ')}]`;
      }
      if (type === 'array' && schema.items !== undefined) {
        return `array of ${schemaType(schema.items)}`;
      }
      if (type === 'object' && typeof schema.additionalProperties === 'object') {
        return `map of ${schemaType(schema.additionalProperties)}`;
      }
      return escapeHtml(type) + (schema.format === undefined ? '' : ` (${escapeHtml(schema.format)})`);
    })
    .join(' | ');
}

function bounds(schema: Schema): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    parts.push(`${schema.minimum ?? '…'} to ${schema.maximum ?? '…'}`);
  }
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    parts.push(`${schema.minLength ?? 0} to ${schema.maxLength ?? '…'} characters`);
  }
  if (schema.maxItems !== undefined || schema.minItems !== undefined) {
    parts.push(`${schema.minItems ?? 0} to ${schema.maxItems ?? '…'} items`);
  }
  if (schema.pattern !== undefined) {
    parts.push(`matches <code>${escapeHtml(schema.pattern)}</code>`);
  }
  return parts.length === 0 ? '' : ` <span class="bounds">(${parts.join('; ')})</span>`;
}

function properties(schema: Schema): string {
  const rows = Object.entries(schema.properties ?? {}).map(([name, property]) => [
    `<code>${escapeHtml(name)}</code>${schema.required?.includes(name) === true ? ' <span class="required">required</span>' : ''}`,
    schemaType(property) + bounds(property),
    property.description === undefined ? '' : inline(property.description),
  ]);
  return rows.length === 0 ? '' : table(['Key', 'Type', 'Description'], rows);
}

export function renderSchemas(schemas: Record<string, Schema>): string {
  const items = Object.entries(schemas)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, schema]) =>
        `<details class="schema" open id="schema-${slug(name)}"><summary><code>${escapeHtml(name)}</code> ` +
        `${schemaType({ ...schema, description: undefined })}</summary>` +
        `${schema.description === undefined ? '' : `<p>${inline(schema.description)}</p>`}` +
        `${schema.allOf === undefined ? '' : schema.allOf.map(properties).join('')}${properties(schema)}</details>`,
    )
    .join('');
  return `<section id="schemas"><h2>Schemas</h2>${items}</section>`;
}
