import { describe, expect, it } from 'vitest';
import { BUILTIN_CI_TYPES, isIpAddress, validateAttributes } from './ci-types';

describe('CI attributes', () => {
  it('CM-1 an IP attribute is a valid IPv4 or IPv6 address', () => {
    for (const ok of [
      '10.0.0.8',
      '0.0.0.0',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::8',
      '2001:db8:0:0:0:0:2:1',
      '::ffff:10.0.0.8',
      '1::',
    ])
      expect(isIpAddress(ok), ok).toBe(true);
    for (const bad of [
      '999.1.1.1',
      '1.2.3',
      '01.2.3.4',
      '1.2.3.4.5',
      'abc',
      '',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      ':::',
      'g::1',
      '::ffff:999.0.0.1',
      ' 10.0.0.8',
    ])
      expect(isIpAddress(bad), bad).toBe(false);
    const server = BUILTIN_CI_TYPES.find((t) => t.key === 'server')!;
    expect(validateAttributes(server.fields, { ip: '999.1.1.1' })).toEqual([
      { field: 'ip', problem: { code: 'must_be_ip', params: {} } },
    ]);
    expect(validateAttributes(server.fields, { ip: '10.20.30.40' })).toEqual([]);
  });
});
