import { RULES, fieldProblem, type FieldProblem } from '@releasegate/messages';
// X-4 outbound policy: where a user-supplied URL may make this server connect. Without it, whoever
// may register a webhook can point the server at its own loopback, the cloud metadata service
// (169.254.169.254) or any host of the internal network, and read the answers (SSRF).
// The rule: a target is refused when its address is loopback, link-local, private (RFC 1918,
// CGNAT, ULA), IPv4-mapped/-compatible, unspecified, multicast, broadcast or any other special-
// purpose range, unless the operator's OUTBOUND_ALLOW lists its network or its host name.
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** The rule every refusal names (in `details.rule`, field messages, delivery errors). */
export const OUTBOUND_RULE = RULES.x4_outbound_policy;

/** OUTBOUND_ALLOW, parsed: networks in CIDR form (`10.1.0.0/16`), host names (`*.corp.example`). */
export interface OutboundAllowList {
  readonly networks: readonly string[];
  readonly hosts: readonly string[];
}

export const NOTHING_ALLOWED: OutboundAllowList = { networks: [], hosts: [] };

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Answers DNS for a host name: every address, as the operating system's resolver gives them. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** The special-purpose range that forbids an address, in the words refusals use. */
export type ForbiddenRange =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade NAT'
  | 'unique local'
  | 'IPv4-mapped'
  | 'IPv4-compatible'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'special-purpose';

const AN: readonly ForbiddenRange[] = ['IPv4-mapped', 'IPv4-compatible', 'unspecified'];
const article = (range: ForbiddenRange) => (AN.includes(range) ? 'an' : 'a');

/**
 * A target the policy refuses. `address` is the refused address (the literal, or what the name
 * resolved to); the message names the rule, the address and its range — never a path or a query,
 * which may carry a robot's token.
 */
export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused';
  readonly rule = OUTBOUND_RULE;
  constructor(
    readonly host: string,
    readonly address: string,
    readonly range: ForbiddenRange,
  ) {
    const what = `${article(range)} ${range} address`;
    super(
      host === address
        ? `${address} is ${what}, not listed in OUTBOUND_ALLOW`
        : `${host} resolves to ${address}, ${what}, not listed in OUTBOUND_ALLOW`,
    );
  }

  /** The refusal as a field problem: the same words from the catalog, in either language. */
  problem(): FieldProblem {
    const rule = 'x4_outbound_policy';
    const { host, address, range } = this;
    return host === address
      ? fieldProblem('outbound_address', { rule, address, range })
      : fieldProblem('outbound_resolved', { rule, host, address, range });
  }

  /** The data of the refusal, for `details` and the audit trail. */
  toDetails() {
    return { rule: this.rule, host: this.host, address: this.address, range: this.range };
  }
}

/** `[::1]` → `::1`: the URL parser keeps IPv6 literals in brackets. */
export const bareHost = (hostname: string) =>
  hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;

/** Host names compare case-blind and without the root's trailing dot (`Hooks.Example.` = `hooks.example`). */
const normalHost = (host: string) => host.toLowerCase().replace(/\.$/, '');

const IPV4: Partial<Record<string, ForbiddenRange>> = {
  unspecified: 'unspecified', // 0.0.0.0/8: "this network"; 0.0.0.0 reaches the local host on Linux
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local', // 169.254.0.0/16: cloud metadata services live here
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
};
const IPV6: Partial<Record<string, ForbiddenRange>> = {
  unspecified: 'unspecified',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  uniqueLocal: 'unique local',
  // ::ffff:127.0.0.1 is 127.0.0.1 to a dual-stack socket: refused whatever IPv4 address it wraps.
  ipv4Mapped: 'IPv4-mapped',
};
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/**
 * The range that forbids `address` (a literal IPv4 or IPv6 address), or null for a public unicast
 * address. Ranges come from ipaddr.js (IANA's special-purpose registries); anything it does not
 * call plain unicast is refused.
 */
export function forbiddenRangeOf(address: string): ForbiddenRange | null {
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') {
    const range = ip.range();
    if (range === 'unicast') return null;
    return IPV4[range] ?? (range === 'reserved' ? 'reserved' : 'special-purpose');
  }
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'unicast')
    // ::a.b.c.d (deprecated "IPv4-compatible") is plain unicast to ipaddr.js; some stacks tunnel it.
    return v6.match(IPV4_COMPATIBLE) ? 'IPv4-compatible' : null;
  return IPV6[range] ?? (range === 'reserved' ? 'reserved' : 'special-purpose');
}

/**
 * Parses OUTBOUND_ALLOW (`127.0.0.1/32,10.1.0.0/16,fd00::/8,hooks.internal.example,*.corp.example`):
 * networks in CIDR form (a bare address is one host), host names, or `*.` and a domain for every
 * name under it. Every bad entry is a problem; entries are not secret, so they are named.
 */
export function parseOutboundAllow(text: string | undefined): {
  allow: OutboundAllowList;
  problems: string[];
} {
  const networks: string[] = [];
  const hosts: string[] = [];
  const problems: string[] = [];
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry.includes('/')) {
      // The address part must be a plain dotted or IPv6 address: ipaddr.js would also read 0177.1.
      if (net.isIP(entry.slice(0, entry.indexOf('/'))) === 0 || !ipaddr.isValidCIDR(entry)) {
        problems.push(`"${entry}" is not a network in CIDR form (e.g. 10.1.0.0/16 or fd00::/8)`);
        continue;
      }
      const [ip, bits] = ipaddr.parseCIDR(entry);
      networks.push(`${ip.toString()}/${bits}`);
    } else if (net.isIP(entry)) {
      const ip = ipaddr.parse(entry);
      networks.push(`${ip.toString()}/${ip.kind() === 'ipv4' ? 32 : 128}`);
    } else if (
      /^(\*\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i.test(
        entry,
      )
    ) {
      // A "name" the URL parser reads as an address (2130706433, 0x7f.1) would never match a
      // URL's host: refuse the ambiguity rather than guess which the operator meant.
      if (net.isIP(new URL(`http://${entry.replace(/^\*\./, '')}`).hostname) !== 0)
        problems.push(`"${entry}" looks like an address: write it as a dotted address or a CIDR network`);
      else hosts.push(normalHost(entry));
    } else {
      problems.push(`"${entry}" is neither a CIDR network, an address nor a host name`);
    }
  }
  return { allow: { networks, hosts }, problems };
}

/** How long saving an endpoint waits for DNS before it accepts the name (call time checks again). */
const SAVE_TIME_DNS_MS = 3000;

export class OutboundPolicy {
  private readonly networks: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  private readonly names: Set<string>;
  private readonly domains: string[];

  constructor(
    allow: OutboundAllowList = NOTHING_ALLOWED,
    private readonly resolve: HostResolver = systemResolver,
  ) {
    this.networks = allow.networks.map((n) => ipaddr.parseCIDR(n));
    this.names = new Set(allow.hosts.filter((h) => !h.startsWith('*.')));
    this.domains = allow.hosts.filter((h) => h.startsWith('*.')).map((h) => h.slice(1));
  }

  /** Whether OUTBOUND_ALLOW names the host: then whatever its DNS answers is trusted. */
  hostListed(hostname: string): boolean {
    const host = normalHost(bareHost(hostname));
    return this.names.has(host) || this.domains.some((d) => host.endsWith(d));
  }

  /** The range that forbids the address here, or null when it is public or allow-listed. */
  refusedRange(address: string): ForbiddenRange | null {
    const range = forbiddenRangeOf(address);
    if (range === null) return null;
    const ip = ipaddr.parse(address);
    const listed = this.networks.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
    return listed ? null : range;
  }

  /**
   * Call time: the addresses a connection to `hostname` may use — the permitted ones among what DNS
   * answers (or the literal itself). The connection is made to one of these and nothing else, so
   * the address checked is the address connected (no second lookup a rebinding DNS could answer
   * differently). Throws OutboundRefused when none is permitted, or DNS's own error.
   */
  async permittedAddresses(hostname: string): Promise<ResolvedAddress[]> {
    const host = bareHost(hostname);
    const family = net.isIP(host);
    if (family !== 0) {
      const range = this.refusedRange(host);
      if (range) throw new OutboundRefused(host, host, range);
      return [{ address: host, family: family === 6 ? 6 : 4 }];
    }
    const addresses = await this.resolve(host);
    if (this.hostListed(host)) return addresses;
    const permitted = addresses.filter((a) => this.refusedRange(a.address) === null);
    if (permitted.length === 0 && addresses.length > 0) {
      const first = addresses[0];
      throw new OutboundRefused(host, first.address, this.refusedRange(first.address)!);
    }
    return permitted;
  }

  /**
   * Save time: the refusal of a URL's target, or null. Addresses in any spelling (the URL parser has
   * already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1) are judged at once; a name is
   * resolved and refused when none of its addresses is permitted. A name that does not resolve
   * (yet) is accepted: every call resolves and checks again.
   */
  async refusalOf(url: string): Promise<OutboundRefused | null> {
    const host = bareHost(new URL(url).hostname);
    if (net.isIP(host) === 0 && this.hostListed(host)) return null;
    try {
      await withTimeout(this.permittedAddresses(host), SAVE_TIME_DNS_MS);
      return null;
    } catch (error) {
      if (error instanceof OutboundRefused) return error;
      return null;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
