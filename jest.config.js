// One config for the whole monorepo: unit specs beside the sources, e2e specs under apps/*/test.
const swc = JSON.parse(require('fs').readFileSync(__dirname + '/.swcrc', 'utf8'));
delete swc.exclude;
delete swc.$schema;
swc.jsc.baseUrl = __dirname;

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/apps/**/*.e2e-spec.ts', '<rootDir>/libs/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper: {
    '^@lib/wire-format$': '<rootDir>/libs/wire-format/src',
    '^@lib/collectors$': '<rootDir>/libs/collectors/src',
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
