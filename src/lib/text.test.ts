import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeComponentText, decodePairsText, decodeUtf8, queryIsText, textProblem } from './text.js';

it('refuses lone surrogates and NUL, keeps pairs and everything else', () => {
  assert.equal(textProblem('𝄞 café'), undefined);
  assert.match(textProblem('a\ud800')!, /lone surrogate/);
  assert.match(textProblem('\udc00a')!, /lone surrogate/);
  assert.match(textProblem('a\u0000')!, /NUL/);
});

it('decodes only valid UTF-8 bytes and percent-escapes', () => {
  assert.equal(decodeUtf8(Buffer.from('é𝄞')), 'é𝄞');
  assert.equal(decodeUtf8(Buffer.from([0x61, 0xff])), undefined);
  assert.equal(decodeUtf8(Buffer.from([0xed, 0xa0, 0x80])), undefined);
  assert.equal(decodeComponentText('a+b%20c%C3%A9'), 'a b cé');
  for (const bad of ['%FF', '%ED%A0%80', '%', '%C3', '%00'])
    assert.equal(decodeComponentText(bad), undefined);
});

it('reads pairs with the last repeated key winning, and queries of raw URLs', () => {
  assert.deepEqual(
    [...decodePairsText('a=1&&b&a=2')!],
    [
      ['a', '2'],
      ['b', ''],
    ],
  );
  assert.equal(decodePairsText('a=1&b=%FF'), undefined);
  assert.equal(queryIsText('/x'), true);
  assert.equal(queryIsText('/x?a=%41'), true);
  assert.equal(queryIsText('/x?%FF'), false);
});
