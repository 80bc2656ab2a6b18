// The baseline: a Fastify server with default options and no hooks, answering each benchmarked
// URL with the exact bytes Belfry answered it with. What Belfry adds over this is its own cost.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { serveUntilStopped } from './children.js';

export interface BareRoute {
  /** path and query, as requested */
  url: string;
  body: string;
  /** GET unless said (the token endpoint's refresh grant is a form POST) */
  method?: 'POST';
}

// A file rather than the environment: a page of users is larger than one variable may be.
const routes = JSON.parse(readFileSync(process.env.BENCH_BARE_ROUTES!, 'utf8')) as BareRoute[];
const bodies = new Map(routes.map((r) => [r.url, r.body]));
const app = Fastify({ logger: false });
// Read, not parsed: enough for the token endpoint's form bodies to be accepted.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
  done(null, body),
);
for (const route of routes.filter((r) => r.method === 'POST'))
  app.post(route.url, async (_request, reply) => reply.type('application/json').send(route.body));
// One static route per distinct path; the query (a page token) picks the body, as it would pick the page.
for (const path of new Set(routes.filter((r) => r.method !== 'POST').map((r) => r.url.split('?')[0]!))) {
  app.get(path, async (request, reply) => reply.type('application/json').send(bodies.get(request.url)));
}
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('bare server has no port');
serveUntilStopped(address.port, () => app.close());
