import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  BadRequestException,
  CreateAccountCommand,
  CreateUserCommand,
  GetAccountCommand,
  ListAccountsCommand,
  UpdateAccountCommand,
} from '@aws-sdk/client-chime';
import { newAccountId, uniqueSuffix } from '../helpers/accounts.js';
import { Browser, textOf } from '../helpers/browser.js';
import { rejectsWith } from '../helpers/sdk-errors.js';
import { signedFetch, type SignedRequestOptions } from '../helpers/signed-fetch.js';
import { eachDialect } from '../helpers/suite.js';

const LONE_SURROGATE = 'lone\ud800x';
/** `{"Name":"a<0xFF>b"}`: a byte that is never UTF-8 */
const INVALID_BYTES = Buffer.concat([Buffer.from('{"Name":"a'), Buffer.from([0xff]), Buffer.from('b"}')]);
/** the surrogate U+D800 as UTF-8 would write it, which UTF-8 forbids */
const ENCODED_SURROGATE = Buffer.from('{"Name":"a\xed\xa0\x80b"}', 'latin1');

await eachDialect('text is valid Unicode or refused', (server) => {
  const chime = () => server().client();
  const signed = (options: SignedRequestOptions) => signedFetch(server().url, server().operator, options);
  const accountNames = async () =>
    ((await chime().send(new ListAccountsCommand({}))).Accounts ?? []).map((a) => a.Name);

  function assertBadRequest(response: Awaited<ReturnType<typeof signed>>, message: RegExp) {
    assert.equal(response.status, 400, JSON.stringify(response.json));
    assert.equal(response.errorType, 'BadRequestException');
    assert.equal(response.json.Code, 'BadRequest');
    assert.match(response.json.Message, message);
  }

  it('refuses a lone surrogate sent by the SDK, in a body member and nested in a list', async () => {
    const before = await accountNames();
    await rejectsWith(
      chime().send(new CreateAccountCommand({ Name: LONE_SURROGATE })),
      BadRequestException,
      /Value at 'name' must be valid Unicode \(it holds a lone surrogate\)/,
    );
    const accountId = await newAccountId(chime());
    await rejectsWith(
      chime().send(new UpdateAccountCommand({ AccountId: accountId, Name: `\udc00${uniqueSuffix()}` })),
      BadRequestException,
      /lone surrogate/,
    );
    await rejectsWith(
      chime().send(new CreateUserCommand({ AccountId: accountId, Email: `x\ud83d@example.com` })),
      BadRequestException,
      /Value at 'email' must be valid Unicode/,
    );
    assert.deepEqual(
      (await accountNames()).filter((n) => !before.includes(n)),
      [(await chime().send(new GetAccountCommand({ AccountId: accountId }))).Account!.Name],
    );
  });

  it('refuses bodies that are not UTF-8, and nothing is created', async () => {
    const before = await accountNames();
    for (const rawBody of [INVALID_BYTES, ENCODED_SURROGATE])
      assertBadRequest(
        await signed({ method: 'POST', path: '/accounts', rawBody }),
        /request body is not valid UTF-8/,
      );
    assert.deepEqual(await accountNames(), before);
  });

  it('refuses queries that are not percent-encoded UTF-8 (%FF, %ED%A0%80, a stray %)', async () => {
    for (const rawQuery of ['name=%FF', 'name=a%ED%A0%80', 'name=%', 'name=ok&%C3=1', 'name=a%00b'])
      assertBadRequest(
        await signed({ method: 'GET', path: '/accounts', rawQuery }),
        /query string is not valid percent-encoded UTF-8/,
      );
    // The same request with valid text is answered: the refusal is about the text alone.
    const ok = await signed({ method: 'GET', path: '/accounts', rawQuery: 'name=%C3%A9t%C3%A9' });
    assert.equal(ok.status, 200);
  });

  it('refuses path labels that are not percent-encoded UTF-8', async () => {
    const accountId = await newAccountId(chime());
    for (const label of ['%FF', '%ED%A0%80', `${accountId}%C3`])
      assertBadRequest(await signed({ method: 'GET', path: `/accounts/${label}` }), /not a valid url/);
    assertBadRequest(
      await signed({ method: 'GET', path: `/accounts/${accountId}/users/a%00b` }),
      /Value at 'userId' must not contain NUL characters/,
    );
  });

  it('keeps astral and combining text exactly as sent, on either store', async () => {
    const name = `𝄞 Café ̀ 日本 ${uniqueSuffix()}`;
    const { Account } = await chime().send(new CreateAccountCommand({ Name: name }));
    assert.equal(Account!.Name, name);
    const read = await chime().send(new GetAccountCommand({ AccountId: Account!.AccountId! }));
    assert.equal(read.Account!.Name, name);
    const found = await chime().send(new ListAccountsCommand({ Name: name }));
    assert.deepEqual(
      found.Accounts?.map((a) => a.Name),
      [name],
    );
  });

  it("refuses forms that are not valid text with the pages' error, before anything is done", async () => {
    const browser = new Browser(server().url);
    const form = await browser.get('/password/forgot');
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.html)![1]!;
    const body = (email: string | Buffer) =>
      Buffer.concat([Buffer.from(`csrf=${csrf}&email=`), Buffer.from(email)]);
    for (const email of ['%FF%40example.com', 'a%ED%A0%80%40example.com', 'a%00%40example.com']) {
      const refused = await browser.postRaw('/password/forgot', body(email));
      assert.equal(refused.status, 400, refused.html);
      assert.match(textOf(refused), /This form holds text that is not valid Unicode/);
    }
    const rawByte = await browser.postRaw('/password/forgot', body(Buffer.from([0x61, 0xff, 0x40])));
    assert.equal(rawByte.status, 400);
    assert.match(textOf(rawByte), /not valid Unicode/);
    // The same form with valid text goes through.
    const accepted = await browser.postRaw('/password/forgot', body('caf%C3%A9%40example.com'));
    assert.equal(accepted.status, 200, accepted.html);
    assert.match(textOf(accepted), /If café@example.com has a Belfry identity/);
  });

  it('refuses links whose query is not valid text, and the app sign-in form too', async () => {
    const browser = new Browser(server().url);
    const link = await browser.get('/verify?token=%FF');
    assert.equal(link.status, 400);
    assert.match(textOf(link), /This link holds text that is not valid Unicode/);
    const appForm = await browser.postRaw('/interaction/abc', 'email=%ED%A0%80&password=x');
    assert.equal(appForm.status, 400, appForm.html);
    assert.match(textOf(appForm), /This form holds text that is not valid Unicode/);
  });
});
