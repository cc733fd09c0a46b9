// One config for the whole monorepo: unit specs beside the sources, e2e specs under apps/*/test.
const swc = JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'));
delete swc.exclude;
delete swc.$schema;
swc.jsc.baseUrl = __dirname;
swc.swcrc = false; // the build's .swcrc excludes specs; tests take this copy instead

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/apps/**/*.e2e-spec.ts', '<rootDir>/libs/**/*.spec.ts'],
  // NestJS 12 ships ESM only; Jest's CommonJS runtime on Node 20 cannot require it, so swc compiles it too.
  transform: { '^.+\\.(ts|js|mjs)$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['^(?!.*/node_modules/(@nestjs|@bull-board|content-disposition|cookie)/).*/node_modules/'],
  moduleNameMapper: {
    '^@lib/wire-format$': '<rootDir>/libs/wire-format/src',
    '^@lib/collectors$': '<rootDir>/libs/collectors/src',
    '^@lib/release$': '<rootDir>/libs/release/src',
  },
  globalSetup: '<rootDir>/jest.global-setup.js',
  testTimeout: 60000,
  maxWorkers: 2,
};
