#!/usr/bin/env node
// Runs every *.test.ts under src/, test/ and web/e2e/ (the console in Chromium) with Node's test runner (TypeScript through tsx).
// Arguments narrow the run to files whose path contains one of them: `npm test -- accounts`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(find(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
// The million-row plan checks take minutes of seeding: `npm run test:plans` runs them (.ci/run after npm test).
const SCALE = 'test/scale/';
const files = ['src', 'test', 'web/e2e']
  .flatMap((d) => find(d))
  .filter((f) => (filters.length === 0 ? !f.startsWith(SCALE) : filters.some((x) => f.includes(x))))
  .sort();
if (filters.length === 0) console.log(`# ${SCALE} is left to npm run test:plans`);
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
