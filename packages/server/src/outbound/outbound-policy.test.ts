import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { forbiddenRangeOf, OutboundPolicy, OutboundRefused, parseOutboundAllow } from './outbound-policy';
import { redactUrl, showsRedaction } from './redact-url';
import { scriptedDns } from './testing/scripted-dns';

/** Each name answers these addresses, every time. */
const dns = (answers: Record<string, string[]>) =>
  scriptedDns(Object.fromEntries(Object.entries(answers).map(([host, a]) => [host, [a]]))).resolver;

describe('outbound policy (X-4)', () => {
  it('X-4 every special-purpose range is refused and public unicast is not, however the address is spelled', async () => {
    const cases: [string, string][] = [
      ['http://127.0.0.1/', 'loopback'],
      ['http://127.9.9.9:8080/', 'loopback'],
      ['http://2130706433/', 'loopback'], // decimal
      ['http://0x7f.1/', 'loopback'], // hex, two parts
      ['http://0177.0.0.1/', 'loopback'], // octal
      ['http://127.1/', 'loopback'],
      ['http://[::1]/', 'loopback'],
      ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped'],
      ['http://[::ffff:a9fe:a9fe]/', 'IPv4-mapped'], // 169.254.169.254, mapped
      ['http://[::7f00:1]/', 'IPv4-compatible'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://10.20.30.40/', 'private'],
      ['http://172.16.0.1/', 'private'],
      ['http://192.168.1.1/', 'private'],
      ['http://100.64.0.1/', 'carrier-grade NAT'],
      ['http://[fd00::1]/', 'unique local'],
      ['http://[fc00::1]/', 'unique local'],
      ['http://0.0.0.0/', 'unspecified'],
      ['http://0/', 'unspecified'],
      ['http://[::]/', 'unspecified'],
      ['http://224.0.0.1/', 'multicast'],
      ['http://[ff02::1]/', 'multicast'],
      ['http://255.255.255.255/', 'broadcast'],
      ['http://240.0.0.1/', 'reserved'],
      ['http://[64:ff9b::7f00:1]/', 'special-purpose'], // NAT64 of 127.0.0.1
    ];
    const policy = new OutboundPolicy();
    for (const [url, range] of cases) {
      const refusal = await policy.refusalOf(url);
      expect(refusal, url).toBeInstanceOf(OutboundRefused);
      expect(refusal!.range, url).toBe(range);
      expect(refusal!.message, url).toMatch(/not listed in OUTBOUND_ALLOW$/);
    }
    for (const address of ['8.8.8.8', '93.184.215.14', '2606:4700::1111'])
      expect(forbiddenRangeOf(address), address).toBeNull();
  });

  it('X-4 OUTBOUND_ALLOW lets listed networks and host names through, and nothing else', async () => {
    const policy = new OutboundPolicy(
      parseOutboundAllow('127.0.0.1/32, 10.1.0.0/16, fd00::/8, hooks.internal.example, *.corp.example').allow,
      dns({
        'hooks.internal.example': ['10.9.9.9'],
        'a.b.corp.example': ['192.168.7.7'],
        'corp.example': ['192.168.7.7'],
        'other.example': ['10.2.0.1'],
      }),
    );
    expect(await policy.refusalOf('http://127.0.0.1:9000/')).toBeNull();
    expect((await policy.refusalOf('http://127.0.0.2:9000/'))?.range).toBe('loopback');
    expect(await policy.refusalOf('http://10.1.200.3/')).toBeNull();
    expect((await policy.refusalOf('http://10.2.0.1/'))?.range).toBe('private');
    expect(await policy.refusalOf('http://[fd12::1]/')).toBeNull();
    expect(await policy.refusalOf('https://HOOKS.internal.example./x')).toBeNull();
    expect(await policy.refusalOf('https://a.b.corp.example/x')).toBeNull();
    // `*.corp.example` is the names under it, not the domain itself.
    expect((await policy.refusalOf('https://corp.example/x'))?.message).toBe(
      'corp.example resolves to 192.168.7.7, a private address, not listed in OUTBOUND_ALLOW',
    );
    expect((await policy.refusalOf('https://other.example/x'))?.address).toBe('10.2.0.1');
  });

  it('X-4 a name is refused when none of its addresses is permitted; a mixed answer keeps only the permitted addresses; an unresolvable name waits for call time', async () => {
    const policy = new OutboundPolicy(
      undefined,
      dns({ 'rebind.example': ['127.0.0.1', '::1'], 'mixed.example': ['10.0.0.1', '93.184.215.14'] }),
    );
    expect((await policy.refusalOf('http://rebind.example/'))?.toDetails()).toEqual({
      rule: 'X-4 outbound policy',
      host: 'rebind.example',
      address: '127.0.0.1',
      range: 'loopback',
    });
    expect(await policy.permittedAddresses('mixed.example')).toEqual([
      { address: '93.184.215.14', family: 4 },
    ]);
    expect(await policy.refusalOf('http://unknown.example/')).toBeNull();
    await expect(policy.permittedAddresses('[::1]')).rejects.toBeInstanceOf(OutboundRefused);
  });

  it('X-4 OUTBOUND_ALLOW is checked at start: every bad entry is reported at once, numeric spellings included', () => {
    expect(() =>
      loadConfig({ OUTBOUND_ALLOW: '10.0.0.0/33,2130706433,0x7f.1,hooks..example,0177.0.0.1/8,ok.example' }),
    ).toThrow(
      [
        'Invalid configuration:',
        '  - OUTBOUND_ALLOW: "10.0.0.0/33" is not a network in CIDR form (e.g. 10.1.0.0/16 or fd00::/8)',
        '  - OUTBOUND_ALLOW: "2130706433" looks like an address: write it as a dotted address or a CIDR network',
        '  - OUTBOUND_ALLOW: "0x7f.1" looks like an address: write it as a dotted address or a CIDR network',
        '  - OUTBOUND_ALLOW: "hooks..example" is neither a CIDR network, an address nor a host name',
        '  - OUTBOUND_ALLOW: "0177.0.0.1/8" is not a network in CIDR form (e.g. 10.1.0.0/16 or fd00::/8)',
      ].join('\n'),
    );
    expect(
      loadConfig({ OUTBOUND_ALLOW: ' 127.0.0.1 , ::1, 10.1.0.0/16,Hooks.Internal.Example' }).outbound,
    ).toEqual({
      allow: { networks: ['127.0.0.1/32', '::1/128', '10.1.0.0/16'], hosts: ['hooks.internal.example'] },
    });
    expect(loadConfig({}).outbound).toEqual({ allow: { networks: [], hosts: [] } });
  });

  it('X-4 credentials in webhook URLs are shown as ***: DingTalk access_token, WeCom key, Feishu hook id, sign, secret, a password', () => {
    expect(redactUrl('https://oapi.dingtalk.com/robot/send?access_token=5f0c1d&timestamp=1&sign=abc')).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1&sign=***',
    );
    expect(redactUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7d2c')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***',
    );
    expect(redactUrl('https://open.feishu.cn/open-apis/bot/v2/hook/2d1b77aa-5a0e')).toBe(
      'https://open.feishu.cn/open-apis/bot/v2/hook/***',
    );
    expect(redactUrl('https://ops:hunter2@hooks.example/in?client_secret=s&apiKey=k&q=a%20b')).toBe(
      'https://ops:***@hooks.example/in?client_secret=***&apiKey=***&q=a%20b',
    );
    // Nothing to hide: the URL as it was written.
    expect(redactUrl('http://127.0.0.1:8080/hooks/rg?channel=ops')).toBe(
      'http://127.0.0.1:8080/hooks/rg?channel=ops',
    );
    expect(showsRedaction('https://h.example/?key=***')).toBe(true);
    expect(showsRedaction('https://h.example/?key=%2a%2A%2a')).toBe(true);
    expect(showsRedaction('https://h.example/?key=k')).toBe(false);
  });
});
