import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { enterpriseAccountForRealm, usersByEmail } from '../helpers/directory-accounts.js';
import { connectionTo, directoryApi, ok, syncNow } from '../helpers/directory.js';
import { Browser, textOf, type PageResponse } from '../helpers/browser.js';
import { sambaSkipReason, seeded, startSamba, usersContainer, type SambaDc } from '../helpers/samba.js';
import type { TestServer } from '../helpers/server.js';
import { eachDialect } from '../helpers/suite.js';

/**
 * AD sign-in end to end (issue 13 item 7): Belfry's own sign-in page, the real directory domain
 * and a real Samba DC. Belfry finds the person with the service account and binds as them; AD's
 * answers become the page's sentences; the tier comes from live group membership, before any sync.
 */
const REALM = seeded.alice.mail.slice(seeded.alice.mail.indexOf('@') + 1);
const PASSWORD = 'Passw0rd!Sign1n';

let address = 0;
/** A browser of its own client address (through the trusted proxy), so each keeps its own budget. */
const browser = (server: TestServer) =>
  new Browser(server.url, { 'x-forwarded-for': `198.51.100.${++address}` });

const signInPage = async (server: TestServer, email: string, password: string): Promise<PageResponse> => {
  const b = browser(server);
  return b.submit(await b.get('/signin'), '/signin', { email, password });
};

await eachDialect(
  'AD sign-in against Samba',
  (server) => {
    let dc: SambaDc;
    let accountId: string;
    const users = () => usersByEmail(server(), accountId);
    /** A person in CN=Users with PASSWORD, in the given groups. */
    const person = async (name: string, groups: string[], attributes: Record<string, string> = {}) => {
      const dn = await dc.addUser({ name, password: PASSWORD, mail: `${name}@${REALM}` });
      for (const group of groups) await dc.addMembers(group, [dn]);
      if (Object.keys(attributes).length > 0) await dc.setAttributes(dn, attributes);
      return { dn, email: `${name}@${REALM}` };
    };

    before(async () => {
      dc = await startSamba();
      accountId = await enterpriseAccountForRealm(server());
      const api = directoryApi(server());
      ok(await api.connect(accountId, connectionTo(dc, { BaseDn: usersContainer })));
      ok(
        await api.groups(accountId, [
          { GroupName: 'chime-pro', Tier: 'Pro' },
          { GroupName: 'chime-basic', Tier: 'Basic' },
        ]),
      );
      await syncNow(server(), accountId, { Full: true });
    });
    after(() => dc?.stop());

    it('signs alice in with her AD password, registering her at the tier her groups give', async () => {
      const page = await signInPage(server(), seeded.alice.mail, seeded.alice.password);
      assert.match(textOf(page), new RegExp(`You are signed in as ${seeded.alice.mail}`), textOf(page));
      const alice = (await users()).get(seeded.alice.mail);
      assert.equal(alice?.UserRegistrationStatus, 'Registered');
      assert.equal(alice?.LicenseType, 'Pro');
    });

    it('refuses a wrong password with the words of any wrong password', async () => {
      const page = await signInPage(server(), seeded.alice.mail, 'not her password');
      assert.equal(page.status, 401);
      assert.match(textOf(page), /The email or password is wrong/);
    });

    it('takes the tier from live membership: moved to chime-pro in AD, bob signs in as Pro before any sync', async () => {
      await dc.removeMembers(seeded.groups.chimeBasic, [seeded.bob.dn]);
      await dc.addMembers(seeded.groups.chimePro, [seeded.bob.dn]);
      const page = await signInPage(server(), seeded.bob.mail, seeded.bob.password);
      assert.match(textOf(page), /You are signed in as/, textOf(page));
      assert.equal((await users()).get(seeded.bob.mail)?.LicenseType, 'Pro');
    });

    it("turns AD's refusals into sentences: disabled, must change password, expired account, no tier group", async () => {
      const cases: [string, () => Promise<{ email: string; password: string }>, RegExp][] = [
        ['disabled', async () => ({ email: seeded.carol.mail, password: seeded.carol.password }), /disabled/],
        [
          'must change password',
          async () => ({
            ...(await person('mchange', [seeded.groups.chimeBasic], { pwdLastSet: '0' })),
            password: PASSWORD,
          }),
          /must change your password/,
        ],
        [
          'expired account',
          async () => ({
            ...(await person('expired', [seeded.groups.chimeBasic], { accountExpires: '1' })),
            password: PASSWORD,
          }),
          /has expired/,
        ],
        [
          'no tier group',
          async () => ({ ...(await person('notier', [])), password: PASSWORD }),
          /no group that may sign in/,
        ],
      ];
      for (const [what, make, expected] of cases) {
        const { email, password } = await make();
        const page = await signInPage(server(), email, password);
        assert.equal(page.status, 403, `${what}: ${page.status} ${textOf(page)}`);
        assert.match(textOf(page), expected, what);
      }
      assert.notEqual((await users()).get(seeded.carol.mail)?.UserRegistrationStatus, 'Registered');
    });

    it('says the directory cannot be reached when the DC is stopped, and changes nobody', async () => {
      await dc.kill();
      const page = await signInPage(server(), seeded.alice.mail, seeded.alice.password);
      assert.equal(page.status, 503, textOf(page));
      assert.match(textOf(page), /cannot be reached/);
      assert.equal((await users()).get(seeded.alice.mail)?.UserRegistrationStatus, 'Registered');
    });
  },
  { BELFRY_TRUST_PROXY: '127.0.0.1' },
  { skip: sambaSkipReason() },
);
