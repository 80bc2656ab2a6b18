import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Where `npm run build:console` (scripts/build-console.mjs) writes the app: web/dist at the
 * project's root, seen from src/api/console or from build/main.mjs, the bundle `npm start` runs.
 */
export const CONSOLE_DIST = fileURLToPath(
  new URL(
    import.meta.url.endsWith('/build/main.mjs') ? '../web/dist/' : '../../../web/dist/',
    import.meta.url,
  ),
);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Vite names every asset by its content's hash: a file's name changes whenever it does. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Whether a request is a browser opening a console page (a document, not an API call): the
 * Chime API also answers under /console (clients of 2018–2019 put it before every path), but
 * those are signed and never ask for HTML. Such a request gets the app, which routes itself.
 */
export function isConsoleDocument(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0]!;
  if (path !== '/console' && !path.startsWith('/console/')) return false;
  if (path.startsWith('/console/api/') || path.startsWith('/console/assets/')) return false;
  return request.headers.authorization === undefined && (request.headers.accept ?? '').includes('text/html');
}

export function sendConsoleIndex(reply: FastifyReply): FastifyReply {
  const file = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(file))
    return reply
      .code(503)
      .type('text/plain; charset=utf-8')
      .send(
        'The console is not built. Run "npm run build:console" (npm ci and npm start do it for you), then reload.',
      );
  return reply.header('cache-control', 'no-cache').type(TYPES['.html']!).send(readFileSync(file));
}

const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * The copy the build compressed (scripts/build-console.mjs) that the browser accepts, Brotli
 * first; none when it accepts neither or the build made none (an image, a font).
 */
function precompressed(path: string, accepted: string | undefined) {
  const offered = new Set(
    (accepted ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => q === undefined || !/^q=0(\.0*)?$/.test(q.trim()))
      .map(([name]) => name!.trim().toLowerCase()),
  );
  return ENCODINGS.find((e) => offered.has(e.name) && existsSync(path + e.suffix));
}

/** The app's hashed files under /console/assets, cached for a year; the page itself at /console. */
export function serveConsoleApp(app: FastifyInstance): void {
  app.get('/console/assets/*', async (request, reply) => {
    const rest = (request.params as Record<string, string>)['*'] ?? '';
    const path = normalize(join(CONSOLE_DIST, 'assets', rest));
    if (!path.startsWith(join(CONSOLE_DIST, 'assets')) || !existsSync(path))
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    const encoding = precompressed(path, request.headers['accept-encoding']);
    reply
      .header('cache-control', IMMUTABLE)
      .header('vary', 'accept-encoding')
      .type(TYPES[extname(path)] ?? 'application/octet-stream');
    if (encoding)
      return reply.header('content-encoding', encoding.name).send(readFileSync(path + encoding.suffix));
    return reply.send(readFileSync(path));
  });
  app.get('/console', async (_request, reply) => sendConsoleIndex(reply));
  app.get('/console/', async (_request, reply) => sendConsoleIndex(reply));
}
