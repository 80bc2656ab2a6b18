#!/usr/bin/env node
// Bundles the server (src/main.ts and every module of ours it imports; the packages stay in
// node_modules) into build/main.mjs, which `npm start` runs. Under tsx a start compiled and loaded
// some 300 TypeScript modules one by one through its loader, which alone held the start to
// healthy above 3 s and added about 40 MB to the idle process; one file of plain JavaScript
// starts in about half the time (bench/start.ts measures both). esbuild is declared
// at the version tsx brings, so one copy serves both. With --if-stale it builds only when the
// bundle is missing or older than a source, as scripts/build-console.mjs does; tests and `npm run dev` still run the sources.
import { existsSync, readdirSync, renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const SERVER_BUNDLE = join(root, 'build', 'main.mjs');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = [join(root, 'src'), join(root, 'package-lock.json'), join(root, 'tsconfig.json')];
const stale =
  !existsSync(SERVER_BUNDLE) || Math.max(...sources.map(newest)) > statSync(SERVER_BUNDLE).mtimeMs;
if (process.argv.includes('--if-stale') && !stale) process.exit(0);

const result = await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile: SERVER_BUNDLE,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  write: false,
  logLevel: 'warning',
});
// Written beside and renamed into place: servers starting at once (the tests) never read half a file.
mkdirSync(join(root, 'build'), { recursive: true });
for (const file of result.outputFiles) {
  const partial = `${file.path}.${process.pid}.partial`;
  writeFileSync(partial, file.contents);
  renameSync(partial, file.path);
}
