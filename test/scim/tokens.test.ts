import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import type { ScimToken } from '../../src/api/chime/scim-extensions.js';
import { belfry } from '../cli/processes.js';
import { newAccountId } from '../helpers/accounts.js';
import { databaseUrlOf } from '../helpers/databases.js';
import { accountType } from '../helpers/directory-accounts.js';
import {
  assertScimError,
  enterpriseAccount,
  mintToken,
  patchOp,
  scimClient,
  scimTokenApi,
  USER,
} from '../helpers/scim.js';
import { eachDialect } from '../helpers/suite.js';

const dir = mkdtempSync(join(tmpdir(), 'belfry-scim-tokens-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * SCIM tokens: minted for Enterprise accounts only, shown once, kept as SHA-256, each working for
 * its own account; the first makes the account EnterpriseOIDC and revoking never changes it back.
 * Through the extension operations and `belfry scim tokens`, on the test server's database.
 */
await eachDialect('SCIM tokens', (server) => {
  const cli = async (...args: string[]) =>
    belfry(
      { BELFRY_DATA_DIR: dir, DATABASE_URL: await databaseUrlOf(server().database) },
      ['scim', 'tokens', ...args],
      dir,
    );

  it('refuses a Team account: a domain must be verified first', async () => {
    const accountId = await newAccountId(server().client());
    const refused = await scimTokenApi(server()).create(accountId, 'okta');
    assert.equal(refused.status, 422, JSON.stringify(refused.json)); // PreconditionFailed, as Chime answers it
    assert.match(String(refused.json.Message), /claim and verify a domain first/);
    assert.equal(await accountType(server(), accountId), 'Team');
  });

  it('mints a token shown once that makes the account EnterpriseOIDC; the token works for its account only', async () => {
    const { accountId, domain } = await enterpriseAccount(server());
    const other = await enterpriseAccount(server());
    const minted = await scimTokenApi(server()).create(accountId, 'okta');
    assert.equal(minted.status, 201);
    const token = minted.json.ScimToken as ScimToken;
    assert.equal(token.Name, 'okta');
    assert.match(String(minted.json.Token), /^belfry-scim-/);
    assert.equal(await accountType(server(), accountId), 'EnterpriseOIDC');
    assert.equal(await accountType(server(), other.accountId), 'EnterpriseLWA');
    const listed = await scimTokenApi(server()).list(accountId);
    assert.equal(listed.status, 200);
    const tokens = listed.json.ScimTokens as ScimToken[];
    assert.deepEqual(
      tokens.map((t) => t.TokenId),
      [token.TokenId],
    );
    assert.ok(!JSON.stringify(listed.json).includes(String(minted.json.Token)), 'the token is never listed');
    assert.equal(tokens[0]!.LastUsedTimestamp, undefined);
    // the stored value is the SHA-256, not the token
    const row = await server()
      .database.db.selectFrom('scim_tokens')
      .select('token_hash')
      .where('id', '=', token.TokenId)
      .executeTakeFirstOrThrow();
    assert.match(row.token_hash, /^[0-9a-f]{64}$/);

    const scim = scimClient(server(), String(minted.json.Token));
    const users = await scim.get('/Users');
    assert.equal(users.status, 200, JSON.stringify(users.body));
    assert.equal(users.body?.totalResults, 0);
    const used = (await scimTokenApi(server()).list(accountId)).json.ScimTokens as ScimToken[];
    assert.ok(used[0]!.LastUsedTimestamp, 'the use is shown');
    const created = await scim.post('/Users', {
      schemas: [USER],
      userName: `ivy@${domain}`,
      emails: [{ value: `ivy@${domain}`, primary: true }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // another account's token sees only its own account
    const otherScim = scimClient(server(), (await mintToken(server(), other.accountId)).token);
    assert.equal((await otherScim.get('/Users')).body?.totalResults, 0);
    assertScimError(await otherScim.get(`/Users/${created.body?.id}`), 404);
    assertScimError(
      await otherScim.patch(
        `/Users/${created.body?.id}`,
        patchOp({ op: 'replace', path: 'active', value: false }),
      ),
      404,
    );
    assert.equal((await scim.get('/Users')).body?.totalResults, 1);
  });

  it('answers 401 in the SCIM format for a missing, unknown or revoked token, alike', async () => {
    const { accountId } = await enterpriseAccount(server());
    const { token, tokenId } = await mintToken(server(), accountId);
    const missing = await fetch(`${server().url}/scim/v2/Users`);
    const unknown = await scimClient(server(), 'belfry-scim-not-a-token').get('/Users');
    const revoked = await scimTokenApi(server()).revoke(accountId, tokenId);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
    assert.ok((revoked.json.ScimToken as ScimToken).RevokedTimestamp);
    const after = await scimClient(server(), token).get('/Users');
    assertScimError(after, 401);
    assertScimError(unknown, 401);
    assert.equal(missing.status, 401);
    assert.equal(after.body?.detail, unknown.body?.detail, 'no hint which');
    assert.equal(await accountType(server(), accountId), 'EnterpriseOIDC', 'revoking keeps the type');
  });

  it('refuses an account managed by Active Directory (one directory per account)', async () => {
    const { accountId } = await enterpriseAccount(server());
    await server()
      .database.db.updateTable('accounts')
      .set({ account_type: 'EnterpriseDirectory' })
      .where('id', '=', accountId)
      .execute();
    const refused = await scimTokenApi(server()).create(accountId, 'okta');
    assert.equal(refused.status, 422, JSON.stringify(refused.json)); // PreconditionFailed, as Chime answers it
    assert.match(String(refused.json.Message), /one directory/);
  });

  it('mints, lists and revokes from the CLI, the token alone on the last line, with --json', async () => {
    const { accountId } = await enterpriseAccount(server());
    const created = await cli('create', accountId, '--name', 'entra');
    assert.equal(created.code, 0, created.stderr);
    const lines = created.stdout.trimEnd().split('\n');
    const tokenId = /^id: (\S+)$/.exec(lines[0]!)?.[1];
    assert.ok(tokenId, created.stdout);
    const token = lines.at(-1)!;
    assert.match(token, /^belfry-scim-\S+$/);
    assert.equal((await scimClient(server(), token).get('/Users')).status, 200);

    const listed = await cli('list', accountId);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /ID\s+NAME\s+CREATED\s+LAST USED\s+REVOKED/);
    assert.match(listed.stdout, new RegExp(`${tokenId}\\s+entra\\s+\\S+\\s+20\\d\\d-`), 'last used shown');
    const json = await cli('list', accountId, '--json');
    const views = JSON.parse(json.stdout) as { tokenId: string; lastUsedAt?: string }[];
    assert.equal(views[0]!.tokenId, tokenId);
    assert.ok(views[0]!.lastUsedAt);

    const createdJson = await cli('create', accountId, '--json');
    assert.equal(createdJson.code, 0, createdJson.stderr);
    assert.match(JSON.parse(createdJson.stdout).token, /^belfry-scim-/);

    const revoked = await cli('revoke', accountId, tokenId!, '--json');
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.ok(JSON.parse(revoked.stdout).revokedAt);
    assertScimError(await scimClient(server(), token).get('/Users'), 401);
    const usage = await cli('revoke', accountId);
    assert.equal(usage.code, 2);
  });

  it('records the use of a token at most once a minute', async () => {
    const { accountId } = await enterpriseAccount(server());
    const { token } = await mintToken(server(), accountId);
    const scim = scimClient(server(), token);
    const lastUsed = async () =>
      ((await scimTokenApi(server()).list(accountId)).json.ScimTokens as ScimToken[])[0]!.LastUsedTimestamp;
    await scim.get('/Users?count=0');
    const first = await lastUsed();
    assert.ok(first);
    server().clock.advance(30_000);
    await scim.get('/Users?count=0');
    assert.equal(await lastUsed(), first, 'not written again within the minute');
    server().clock.advance(31_000);
    await scim.get('/Users?count=0');
    assert.equal(await lastUsed(), server().clock.now().toISOString());
  });

  it('lets a ReadOnly key list but not mint or revoke', async () => {
    const { accountId } = await enterpriseAccount(server());
    const { tokenId } = await mintToken(server(), accountId);
    const readOnly = scimTokenApi(server(), await server().createKey('ReadOnly'));
    assert.equal((await readOnly.list(accountId)).status, 200);
    assert.equal((await readOnly.create(accountId, 'x')).status, 403);
    assert.equal((await readOnly.revoke(accountId, tokenId)).status, 403);
  });
});
