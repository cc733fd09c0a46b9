// The import boundaries of STYLE.md (rule 9, "Boundaries are checked, not hoped for") as flat-config objects.
// CommonJS so that eslint.config.mjs and a Jest spec (apps/api/src/common/import-boundaries.spec.ts) load the
// same rules and the same feature list; the spec checks that list against the folders of apps/api/src.
//
// The rule sees the import specifier as written, not the file it resolves to, so each pattern names the ways a
// crossing can be spelled: relative (`../../../apps/api/...`), from the repo root through tsconfig's baseUrl
// (`apps/api/...`), and for libs a deep alias (`@lib/collectors/src/x`). `export ... from` counts as an import;
// `require()` and `import()` are not seen.

/** Every folder of apps/api/src except common, config and database, including those on their way. */
const FEATURES = [
  'agents',
  'alerts',
  'bullboard',
  'console',
  'docs',
  'embedded',
  'events',
  'health',
  'heartbeat',
  'hosts',
  'info',
  'ingest',
  'maintenance',
  'metrics',
  'persistence',
  'pings',
];

/** A specifier that climbs at least `min` folders (`../`, optionally after `./`), as a regex prefix. */
const up = (min) => `^(?:\\./)?(?:\\.\\./){${min},}`;
const oneOf = (names) => `(?:${names.join('|')})(?:/|$)`;
/** An API folder named by a relative climb (`../heartbeat`) or through src/ (`../../src/x`, `apps/api/src/x`). */
const apiFolder = (names) => `${up(1)}${oneOf(names)}|^(?:\\.\\./)*(?:apps/)?(?:api/)?src/${oneOf(names)}`;

const LIBS_NO_APPS = {
  // libs/<lib>/... must climb two folders to reach the root
  regex: `${up(2)}apps(?:/|$)|^apps/`,
  message: 'libs/ never import apps/: a lib is used by the apps, so move the shared piece into the lib.',
};

const AGENT_NO_API = {
  // apps/agent/... climbs two folders to apps/, three to the root
  regex: `${up(2)}(?:apps/)?api(?:/|$)|^apps/api(?:/|$)`,
  message: 'apps/agent never imports apps/api: an app never imports another app; share through a lib in libs/.',
};

const CONSOLE_NO_APPS = {
  // apps/console/... names the other app's src/ or test/, or apps/<app>: the console's own src/api.ts stays free
  regex: `${up(1)}(?:apps/)?(?:api|agent)/(?:src|test)(?:/|$)|${up(1)}apps/(?:api|agent)(?:/|$)|^apps/(?:api|agent)(?:/|$)`,
  message:
    'apps/console never imports apps/api or apps/agent: it talks to the API over HTTP; an app never imports another app.',
};

const LIBS_BY_ALIAS = {
  regex: `${up(2)}libs(?:/|$)|^libs/|^@lib/[^/]+/`,
  message: 'Apps import a lib only through its alias (`@lib/wire-format`, `@lib/collectors`), never a deep path.',
};

const BELOW_FEATURES = {
  regex: apiFolder(FEATURES),
  message: 'common/ and database/ import no feature: move the shared piece down, or the call up.',
};

const ALERTS_NO_DEADLINES = {
  regex: apiFolder(['heartbeat', 'pings']),
  message: 'alerts/ imports nothing from heartbeat/ or pings/: alerts knows nothing of deadlines; they call alerts.',
};

// A later object that matches a file replaces an earlier one's `no-restricted-imports` options instead of
// adding to them, so each object lists every boundary that applies to its files.
const BOUNDARIES = [
  { name: 'libs', files: ['libs/**/*.ts'], patterns: [LIBS_NO_APPS] },
  { name: 'apps', files: ['apps/**/*.ts'], patterns: [LIBS_BY_ALIAS] },
  { name: 'agent', files: ['apps/agent/**/*.ts'], patterns: [LIBS_BY_ALIAS, AGENT_NO_API] },
  // .tsx too: the console's pages and widgets are most of its code
  {
    name: 'console',
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    patterns: [LIBS_BY_ALIAS, CONSOLE_NO_APPS],
  },
  {
    name: 'api-foundation',
    files: ['apps/api/src/common/**/*.ts', 'apps/api/src/database/**/*.ts'],
    patterns: [LIBS_BY_ALIAS, BELOW_FEATURES],
  },
  { name: 'api-alerts', files: ['apps/api/src/alerts/**/*.ts'], patterns: [LIBS_BY_ALIAS, ALERTS_NO_DEADLINES] },
];

module.exports = {
  FEATURES,
  configs: BOUNDARIES.map(({ name, files, patterns }) => ({
    name: `watchtower/boundaries/${name}`,
    files,
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  })),
};
