#!/usr/bin/env node
// Builds the console (web/) into web/dist, which Belfry serves at /console. Run by `npm ci`
// (the prepare script) and, with --if-stale, by `npm start`: it then builds only when web/dist
// is missing or older than a source, so a fresh clone and a pulled change both just work.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const built = join(web, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(root, 'package-lock.json'),
];
const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;

if (process.argv.includes('--if-stale') && !stale) process.exit(0);

let build;
try {
  ({ build } = await import('vite'));
} catch {
  // An install without dev dependencies (npm ci --omit=dev) has no Vite: the API still serves,
  // and /console says how to build the console.
  console.warn(
    existsSync(built)
      ? 'belfry: vite is not installed (npm ci --omit=dev?); serving the console as last built'
      : 'belfry: vite is not installed, so the console is not built; run "npm ci" (with dev dependencies), then "npm run build:console"',
  );
  process.exit(0);
}
const started = Date.now();
await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
compressAssets(join(web, 'dist', 'assets'));
console.log(`belfry: console built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/**
 * Each text asset also as Brotli and gzip beside it, compressed once here at the highest levels,
 * so Belfry sends a browser that accepts them a fifth of the bytes without compressing per request.
 */
function compressAssets(dir) {
  for (const name of readdirSync(dir)) {
    if (!/\.(js|css|svg|json)$/.test(name)) continue;
    const file = join(dir, name);
    const bytes = readFileSync(file);
    writeFileSync(
      `${file}.br`,
      brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    );
    writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  }
}
