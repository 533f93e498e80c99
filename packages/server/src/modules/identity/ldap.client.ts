import { readFileSync } from 'node:fs';
import { Client, Filter, InvalidCredentialsError, type Entry } from 'ldapts';
import type { LdapSettings } from '../../config.directory';

/**
 * the company directory (OpenLDAP, Active Directory) over LDAP, through `ldapts`. Only
 * protocol here — find a person, read their groups, check their password — and no database: the
 * services decide what an answer means.
 */

/** What the directory says of a person. */
export interface DirectoryEntry {
  dn: string;
  username: string;
  displayName: string;
  email: string | null;
  /** DNs of every group the person is in, nested groups included when configured. */
  groups: string[];
}

/** The directory did not answer (down, refused TLS, wrong service account): not the user's fault. */
export class DirectoryUnavailable extends Error {
  constructor(override readonly cause: unknown) {
    super(`The directory does not answer: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DirectoryUnavailable';
  }
}

/** How deep nested groups are followed; a loop (A in B in A) ends at the groups already seen. */
const MAX_GROUP_DEPTH = 10;

const first = (entry: Entry, attribute: string): string | null => {
  const value = entry[attribute];
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined ? null : Buffer.isBuffer(one) ? one.toString('utf8') : String(one);
};
const all = (entry: Entry, attribute: string): string[] => {
  const value = entry[attribute];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) =>
    Buffer.isBuffer(v) ? v.toString('utf8') : String(v),
  );
};

function tlsOptions(settings: LdapSettings) {
  return {
    minVersion: 'TLSv1.2' as const,
    ...(settings.caFile && { ca: [readFileSync(settings.caFile)] }),
  };
}

/** A connection bound as the service account, closed after `use` whatever happens. */
async function withServiceBind<T>(settings: LdapSettings, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    url: settings.url,
    timeout: settings.timeoutMs,
    connectTimeout: settings.timeoutMs,
    // Only for ldaps://: given to an ldap:// client, ldapts speaks TLS at once on the plain port.
    ...(settings.url.startsWith('ldaps:') && { tlsOptions: tlsOptions(settings) }),
  });
  try {
    try {
      if (settings.startTls) await client.startTLS(tlsOptions(settings));
      await client.bind(settings.bindDn, settings.bindPassword);
    } catch (error) {
      throw new DirectoryUnavailable(error);
    }
    return await use(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

const fillUsername = (filter: string, username: string) =>
  filter.replaceAll('{username}', Filter.escape(username));
const fillDn = (filter: string, dn: string) => filter.replaceAll('{dn}', Filter.escape(dn));

async function findEntry(
  client: Client,
  settings: LdapSettings,
  username: string,
): Promise<Entry | undefined> {
  try {
    const { searchEntries } = await client.search(settings.userBase, {
      scope: 'sub',
      filter: fillUsername(settings.userFilter, username),
      attributes: [
        settings.usernameAttribute,
        settings.displayNameAttribute,
        settings.emailAttribute,
        'memberOf',
      ],
      // Two, to tell a unique match from an ambiguous one (which is refused, never guessed).
      sizeLimit: 2,
    });
    return searchEntries.length === 1 ? searchEntries[0] : undefined;
  } catch (error) {
    throw new DirectoryUnavailable(error);
  }
}

/**
 * The DNs of the groups `dn` is in. `memberof`: the entry's memberOf, and for nesting each
 * group's own memberOf; `search`: group entries whose filter names the DN, and for nesting the
 * groups naming those groups — breadth first, each group once.
 */
async function groupsOf(client: Client, settings: LdapSettings, entry: Entry): Promise<string[]> {
  const seen = new Map<string, string>();
  const parentsOf = async (dn: string, known?: Entry): Promise<string[]> => {
    if (settings.groups === 'memberof') {
      if (known) return all(known, 'memberOf');
      const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['memberOf'] });
      return searchEntries[0] ? all(searchEntries[0], 'memberOf') : [];
    }
    const { searchEntries } = await client.search(settings.groupBase, {
      scope: 'sub',
      filter: fillDn(settings.groupFilter, dn),
      attributes: ['dn'],
    });
    return searchEntries.map((e) => e.dn);
  };
  try {
    let level = await parentsOf(entry.dn, entry);
    for (let depth = 0; level.length > 0 && depth < MAX_GROUP_DEPTH; depth++) {
      const fresh = level.filter((dn) => !seen.has(dn.toLowerCase()));
      for (const dn of fresh) seen.set(dn.toLowerCase(), dn);
      if (!settings.nestedGroups) break;
      level = (await Promise.all(fresh.map((dn) => parentsOf(dn)))).flat();
    }
  } catch (error) {
    throw new DirectoryUnavailable(error);
  }
  return [...seen.values()].sort();
}

function toDirectoryEntry(
  settings: LdapSettings,
  entry: Entry,
  groups: string[],
  asked: string,
): DirectoryEntry {
  const username = first(entry, settings.usernameAttribute) ?? asked;
  return {
    dn: entry.dn,
    username,
    displayName: first(entry, settings.displayNameAttribute) ?? username,
    email: first(entry, settings.emailAttribute),
    groups,
  };
}

/**
 * Checks a password against the directory: the service account finds the person (the user
 * filter leaves disabled accounts out), then a bind as their DN proves the password. An empty
 * password is never sent: many directories take an empty bind as an anonymous one and say yes.
 */
export async function authenticate(
  settings: LdapSettings,
  username: string,
  password: string,
  /**
   * Asked with the entry's DN before the password is tried: true stops here. The lock belongs to
   * the person the directory found, not to the name as typed (the directory matches `ZHANG.WEI`
   * and full-width letters to `zhang.wei`).
   */
  isLocked: (dn: string) => Promise<boolean>,
): Promise<
  | { kind: 'ok'; entry: DirectoryEntry }
  | { kind: 'unknown' }
  | { kind: 'locked'; dn: string }
  | { kind: 'wrong_password'; dn: string }
> {
  return withServiceBind(settings, async (client) => {
    const entry = await findEntry(client, settings, username);
    if (!entry) return { kind: 'unknown' as const };
    if (await isLocked(entry.dn)) return { kind: 'locked' as const, dn: entry.dn };
    if (password.length === 0) return { kind: 'wrong_password' as const, dn: entry.dn };
    try {
      await client.bind(entry.dn, password);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return { kind: 'wrong_password' as const, dn: entry.dn };
      throw new DirectoryUnavailable(error);
    }
    // Back to the service account: what a person may read of the directory is not ours to rely on.
    try {
      await client.bind(settings.bindDn, settings.bindPassword);
    } catch (error) {
      throw new DirectoryUnavailable(error);
    }
    return {
      kind: 'ok' as const,
      entry: toDirectoryEntry(settings, entry, await groupsOf(client, settings, entry), username),
    };
  });
}

/**
 * The scheduled re-check: each user name looked up again with the service account. A name the
 * directory no longer finds (removed, or disabled and so left out by the filter) maps to null.
 */
export async function lookUp(
  settings: LdapSettings,
  usernames: readonly string[],
): Promise<Map<string, DirectoryEntry | null>> {
  return withServiceBind(settings, async (client) => {
    const found = new Map<string, DirectoryEntry | null>();
    for (const username of usernames) {
      const entry = await findEntry(client, settings, username);
      found.set(
        username,
        entry ? toDirectoryEntry(settings, entry, await groupsOf(client, settings, entry), username) : null,
      );
    }
    return found;
  });
}
