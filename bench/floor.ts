// The floor under GetUser: what any server must do to answer it as the API requires (SigV4 checked
// on every request, a deleted key refused at once, the member read from the database) and nothing
// else, done with Belfry's own parts (verifier, change marker, store reads, presenter) on plain
// Fastify with no hooks, like the bare route. No routing by the model, input checks, policy,
// metrics, logging or request ids. Where the floor stays under a target, so does any GetUser built
// on these parts. Either store (DATABASE_URL=sqlite:<file> or postgres://…, BELFRY_MASTER_KEY as hex);
// on PostgreSQL the key check is the same cache, kept while no key-change notification comes.
import '../src/lib/gc-tuning.js';
import Fastify from 'fastify';
import { toChimeUser } from '../src/api/chime/presenters.js';
import { verifySigV4 } from '../src/api/chime/sigv4.js';
import { createAccessKeys } from '../src/domain/access/keys.js';
import { systemClock } from '../src/lib/clock.js';
import { randomIds } from '../src/lib/ids.js';
import { createSecretBox } from '../src/lib/secret-box.js';
import { openDatabase } from '../src/store/database.js';
import { findUserById } from '../src/store/users.js';
import { serveUntilStopped } from './children.js';

const databaseUrl = process.env.DATABASE_URL!;
const { db, changeMarker, close } = openDatabase(
  databaseUrl.startsWith('sqlite:')
    ? { dialect: 'sqlite', file: databaseUrl.slice('sqlite:'.length) }
    : { dialect: 'postgres', url: databaseUrl },
);
// Belfry's own key check: looked up again whenever the database's change marker moves (or is unknown).
const accessKeys = createAccessKeys({
  db,
  ids: randomIds,
  clock: systemClock,
  secrets: createSecretBox(Buffer.from(process.env.BELFRY_MASTER_KEY!, 'hex')),
  changeMarker,
});

const app = Fastify({ logger: false });
app.get('/accounts/:AccountId/users/:UserId', async (request, reply) => {
  await verifySigV4(
    { method: request.method, rawUrl: request.raw.url!, headers: request.headers, body: Buffer.alloc(0) },
    {
      service: 'chime',
      regions: undefined,
      maxSkewMs: 15 * 60_000,
      now: new Date(),
      lookupSecret: async (accessKeyId) => (await accessKeys.resolveKey(accessKeyId))?.secretAccessKey,
    },
  );
  const { AccountId, UserId } = request.params as { AccountId: string; UserId: string };
  const user = await findUserById(db, AccountId, UserId);
  if (!user) return reply.code(404).send();
  return reply.type('application/json').send(JSON.stringify({ User: toChimeUser(user) }));
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('floor server has no port');
serveUntilStopped(address.port, async () => {
  await app.close();
  await close();
});
