// The npm registry this project is installed from (a mirror) lacks other platforms' native binaries
// (@swc/core-darwin-arm64, @msgpackr-extract/*-win32-x64, ...). npm 11 then leaves them out of
// package-lock.json, and `npm ci` refuses that lock as "out of sync". This records each missing one as an
// optional entry whose os/cpu come from its name, so `npm ci` accepts the lock and skips it as it would
// skip any binary for another platform. Run it after every `npm install`: node scripts/lock-platform-deps.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.find((part) => CPU.includes(part));
  const libc = parts.find((part) => /^(gnu|gnueabihf|musl|musleabihf)$/.test(part));
  return { os, cpu, libc: libc ? (libc.startsWith('musl') ? 'musl' : 'glibc') : undefined };
}

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path === '' ? '' : `${path}/`}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[nested] || packages[hoisted]) {
      continue;
    }
    const { os, cpu, libc } = platformOf(name);
    if (!os && !cpu) {
      continue;
    }
    packages[hoisted] = {
      version: range.replace(/^[\^~=]/, ''),
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(os ? { os: [os] } : {}),
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`recorded ${added} other-platform optional packages in package-lock.json`);
