import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientNetwork, IpRanges, parseCidr, specialPurpose, unwrapIpv4 } from './ip-ranges.js';

describe('specialPurpose', () => {
  const cases: Array<[string, string | undefined]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private (RFC 1918)'],
    ['172.16.0.1', 'private (RFC 1918)'],
    ['172.31.255.255', 'private (RFC 1918)'],
    ['192.168.1.1', 'private (RFC 1918)'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['100.127.255.255', 'shared (carrier-grade NAT)'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.1.1', 'link-local'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved (incl. broadcast)'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'cloud metadata'],
    ['64:ff9b::10.0.0.1', 'private (RFC 1918)'],
    ['::7f00:1', 'reserved (IPv4-compatible)'],
    // ordinary public addresses, including the neighbours of the ranges
    ['93.184.216.34', undefined],
    ['172.32.0.1', undefined],
    ['100.128.0.1', undefined],
    ['11.0.0.1', undefined],
    ['2606:4700::1111', undefined],
    ['::ffff:93.184.216.34', undefined],
  ];
  for (const [address, kind] of cases)
    it(`${address} → ${kind ?? 'public'}`, () => assert.equal(specialPurpose(address), kind));
});

describe('parseCidr and IpRanges', () => {
  it('reads ranges and single addresses, and nothing else', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('fd00::/8'), { address: 'fd00::', prefix: 8, family: 'ipv6' });
    assert.deepEqual(parseCidr('127.0.0.2'), { address: '127.0.0.2', prefix: 32, family: 'ipv4' });
    for (const bad of [
      '',
      '10.0.0.0/33',
      '::/129',
      '10.0.0/8',
      'example.com/8',
      '10.0.0.0/8/1',
      '10.0.0.0/-1',
    ])
      assert.equal(parseCidr(bad), undefined, bad);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 ranges', () => {
    const ranges = new IpRanges([parseCidr('127.0.0.2/32')!]);
    assert.ok(ranges.has('127.0.0.2'));
    assert.ok(ranges.has('::ffff:127.0.0.2'));
    assert.ok(!ranges.has('127.0.0.1'));
    assert.ok(!ranges.has('not an address'));
  });

  it('unwraps only the IPv6 forms that reach an IPv4 address', () => {
    assert.equal(unwrapIpv4('::ffff:7f00:1'), '127.0.0.1');
    assert.equal(unwrapIpv4('::FFFF:10.1.2.3'), '10.1.2.3');
    assert.equal(unwrapIpv4('2001:db8::1'), '2001:db8::1');
    assert.equal(unwrapIpv4('10.1.2.3'), '10.1.2.3');
  });
});

describe('clientNetwork', () => {
  it('counts an IPv6 client by its /64, an IPv4 one (mapped or not) by its address', () => {
    assert.equal(clientNetwork('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(clientNetwork('2001:DB8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.notEqual(clientNetwork('2001:db8:1:3::1'), clientNetwork('2001:db8:1:2::1'));
    assert.equal(clientNetwork('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientNetwork('203.0.113.7'), '203.0.113.7');
  });
});
