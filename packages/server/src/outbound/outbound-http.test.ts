import { afterEach, describe, expect, it } from 'vitest';
import { WebhookReceiver } from '../modules/notifications/testing/receivers';
import { OutboundError, outboundRequest } from './outbound-http';
import { OutboundPolicy, parseOutboundAllow } from './outbound-policy';
import { scriptedDns } from './testing/scripted-dns';

describe('outbound HTTP through the policy (X-4)', () => {
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
  });
  const receiver = async (host: string) => {
    const r = await WebhookReceiver.start(host);
    receivers.push(r);
    return r;
  };

  it('X-4 the address checked is the address connected: a rebinding name is resolved once, and the connection goes where the check looked', async () => {
    const allowed = await receiver('127.0.0.1');
    // The same port on 127.0.0.2, which the allow-list does not cover.
    const other = await WebhookReceiver.start('127.0.0.2', allowed.port);
    receivers.push(other);
    const port = allowed.port;
    // First answer: the allowed address; every later answer: the forbidden one. A client that
    // checked with one lookup and connected with another would land on 127.0.0.2.
    const dns = scriptedDns({ 'rebind.test': [['127.0.0.1'], ['127.0.0.2']] });
    const policy = new OutboundPolicy(parseOutboundAllow('127.0.0.1/32').allow, dns.resolver);
    const answer = await outboundRequest(policy, {
      url: `http://rebind.test:${port}/hook`,
      body: '{}',
      timeoutMs: 5000,
    });
    expect(answer.status).toBe(200);
    expect(dns.asked).toEqual(['rebind.test']);
    expect(allowed.requests).toHaveLength(1);
    expect(other.connections).toBe(0);

    // Now the name answers the forbidden address: refused before any connection.
    const refused = await outboundRequest(policy, {
      url: `http://rebind.test:${port}/hook`,
      body: '{}',
      timeoutMs: 5000,
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutboundError);
    expect(refused).toMatchObject({
      failure: 'blocked',
      message:
        'blocked by outbound policy (X-4): rebind.test resolves to 127.0.0.2, a loopback address, not listed in OUTBOUND_ALLOW',
    });
    expect(other.connections).toBe(0);
    expect(allowed.connections).toBe(1);
  });

  it('X-4 a literal forbidden address, a refused port and a timeout each fail with a short class naming the host only', async () => {
    const loopback = await receiver('127.0.0.1');
    const none = new OutboundPolicy();
    await expect(
      outboundRequest(none, { url: `${loopback.url('/x')}?access_token=t0ken`, timeoutMs: 2000 }),
    ).rejects.toMatchObject({ failure: 'blocked' });
    await expect(
      outboundRequest(none, { url: `http://[::ffff:127.0.0.1]:${loopback.port}/`, timeoutMs: 2000 }),
    ).rejects.toMatchObject({ failure: 'blocked', refusal: { range: 'IPv4-mapped' } });
    expect(loopback.connections).toBe(0);

    const open = new OutboundPolicy(parseOutboundAllow('127.0.0.1/32').allow);
    await loopback.close();
    const refused = await outboundRequest(open, {
      url: `${loopback.url('/x')}?access_token=t0ken`,
      timeoutMs: 2000,
    }).catch((e: unknown) => e as OutboundError);
    expect(refused).toMatchObject({ failure: 'refused' });
    expect((refused as Error).message).toBe(`refused: 127.0.0.1:${loopback.port} refused the connection`);

    const slow = await receiver('127.0.0.1');
    slow.hang = true;
    await expect(outboundRequest(open, { url: slow.url('/'), timeoutMs: 300 })).rejects.toMatchObject({
      failure: 'timeout',
      message: `timeout: no answer from 127.0.0.1:${slow.port} within 300 ms`,
    });
  });
});
