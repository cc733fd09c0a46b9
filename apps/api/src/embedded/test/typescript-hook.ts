// Jest runs specs in a vm; PGlite needs import() there and the parent-death tests need a process of their own.
// This source, run first in a plain Node process or worker, lets it require our .ts files (swc, no type check).
export const typescriptHook = `
const { readFileSync } = require('node:fs');
const { transformSync } = require(${JSON.stringify(require.resolve('@swc/core'))});
const swcOptions = {
  swcrc: false,
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};
require.extensions['.ts'] = (module, file) =>
  module._compile(transformSync(readFileSync(file, 'utf8'), { ...swcOptions, filename: file }).code, file);
`;
