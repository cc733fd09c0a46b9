// The §3 example and small tools to break it one field at a time, shared by the specs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IngestRequest } from '../src';

/** The §3 request exactly as the spec prints it. */
export const exampleText = readFileSync(join(__dirname, 'fixtures/example.json'), 'utf8');

/** A fresh parsed copy of the §3 request. */
export function example(): IngestRequest {
  return JSON.parse(exampleText) as IngestRequest;
}

type Container = Record<string | number, unknown>;

// 'snapshots[0].interfaces[1].rx_bytes' → ['snapshots', 0, 'interfaces', 1, 'rx_bytes']
function segments(path: string): (string | number)[] {
  return path.split(/\.|(?=\[)/).map((s) => (s.startsWith('[') ? Number(s.slice(1, -1)) : s));
}

/** The object or array holding `path`, and the last key of `path`. */
export function parentOf(root: unknown, path: string): [Container, string | number] {
  const keys = segments(path);
  const last = keys.pop() as string | number;
  const parent = keys.reduce<unknown>((node, key) => (node as Container)[key], root);
  return [parent as Container, last];
}

/** The example (or `root`) with the value at `path` replaced. */
export function withValue(path: string, value: unknown, root: unknown = example()): unknown {
  const [parent, key] = parentOf(root, path);
  parent[key] = value;
  return root;
}

/** The example (or `root`) with the key at `path` removed. */
export function without(path: string, root: unknown = example()): unknown {
  const [parent, key] = parentOf(root, path);
  delete parent[key];
  return root;
}

/** Removes whitespace outside strings, turning the pretty-printed fixture into compact JSON byte for byte. */
export function compact(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += json[++i];
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}
