import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { Services } from './services.js';
import { chimeApi, sendClientError, sendError } from './api/chime/plugin.js';
import { endUserPages } from './api/pages/plugin.js';
import { oidcProvider } from './api/oidc/plugin.js';
import { entitlementApi } from './api/entitlements/plugin.js';
import { usageApi } from './api/usage/plugin.js';
import { processLogDestination } from './lib/log-destination.js';
import { createMetrics } from './lib/metrics.js';
import { fastifyTrustProxy } from './api/client-address.js';
import { consoleApi } from './api/console/plugin.js';
import { scimApi } from './api/scim/plugin.js';
import { isConsoleDocument, sendConsoleIndex } from './api/console/static.js';

/** Builds the HTTP application; never listens (tests inject or listen on port 0 themselves). */
export async function buildApp(services: Services, config: Config): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers["x-amz-security-token"]', 'req.headers.cookie'],
      // Not pino's default destination, which can hold a stopping server forever (see there).
      stream: processLogDestination(),
    },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    routerOptions: { maxParamLength: 2048 },
    // One line per request, written by the onResponse hook below with the operation name.
    logController: new LogController({ disableRequestLogging: true }),
    // A URL that cannot be decoded fails before any route or hook: answered in the Chime format
    // (the API is what most traffic is), with the request id the hooks would have set.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-amzn-RequestId', request.id);
      return sendError(request, reply, error);
    },
    // Requests Node's parser refuses (a 100 KB URL, say) are answered the same way.
    clientErrorHandler: sendClientError,
  });
  const metrics = createMetrics();

  // Callback hooks, not async ones: both run on every request, and an async hook costs a promise
  // and a trip through the microtask queue each time.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-amzn-RequestId', request.id);
    // A console page opened in the browser (bookmarked, reloaded) gets the app, which routes itself.
    if (isConsoleDocument(request)) return void sendConsoleIndex(reply);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const operation = request.chimeOperation ?? request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(operation, reply.statusCode, reply.elapsedTime / 1000);
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    request.log[level](
      {
        operation,
        method: request.method,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request completed',
    );
    done();
  });

  // Registered while the app serves, so the other instances on the database count it.
  app.addHook('onReady', async () => {
    await services.requestBudget.start((err) =>
      app.log.warn(
        { err },
        'could not renew this instance in api_instances; request budgets keep their last share',
      ),
    );
  });
  app.addHook('onClose', async () => {
    await services.requestBudget
      .stop()
      .catch((err: unknown) => app.log.warn({ err }, 'could not remove this instance from api_instances'));
  });

  app.get('/health', async (_request, reply) => {
    try {
      await services.db.selectFrom('installation').select('key').limit(1).execute();
      return { status: 'ok' };
    } catch (error) {
      app.log.error({ err: error }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.render();
  });

  await app.register(chimeApi, { services, config });
  // The console: its sign-in routes and the app; it then calls the Chime operations above.
  await app.register(consoleApi, { services, config });
  // Beside the Chime API, in its own context: form bodies and HTML errors stay on its routes.
  await app.register(endUserPages, { services, config });
  // The apps' OpenID provider under /oidc, and its sign-in pages; its own body handling too.
  await app.register(oidcProvider, { services, config });
  // Its own context too: its Basic-auth hook must not reach the other routes.
  await app.register(entitlementApi, { services });
  // The meetings service's usage reports: app-client auth like the live check, its own body parser.
  await app.register(usageApi, { services });
  // The SCIM 2.0 server identity providers provision through: its own auth, bodies and errors.
  await app.register(scimApi, { services, config, prefix: '/scim/v2' });
  return app;
}
