// Test harness for directory sign-in (X-4, RO-1): Debian's OpenLDAP server (slapd) on loopback,
// over LDAPS with a certificate from a test CA, holding a small company directory the test loads
// and changes — people, nested groups, a disabled person.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Change, Attribute } from 'ldapts';
import { tempDir } from './databases';
import { freePort } from './server-process';

const run = promisify(execFile);

export const SLAPD_BIN = process.env.SLAPD_BIN ?? '/usr/sbin/slapd';
export const BASE_DN = 'dc=example,dc=com';
const ROOT_DN = `cn=admin,${BASE_DN}`;
const ROOT_PASSWORD = 'root-secret-for-tests';
export const SERVICE_DN = `cn=releasegate,ou=services,${BASE_DN}`;
export const SERVICE_PASSWORD = 'service-secret-for-tests';
export const PEOPLE = `ou=people,${BASE_DN}`;
export const GROUPS = `ou=groups,${BASE_DN}`;
export const personDn = (uid: string) => `uid=${uid},${PEOPLE}`;
export const groupDn = (cn: string) => `cn=${cn},${GROUPS}`;
/** Disabled people carry employeeType=disabled; the user filter leaves them out. */
export const USER_FILTER = '(&(objectClass=inetOrgPerson)(uid={username})(!(employeeType=disabled)))';

export interface Person {
  uid: string;
  name: string;
  password: string;
  mail?: string;
  disabled?: boolean;
}

export interface Slapd {
  /** `ldaps://127.0.0.1:PORT` */
  url: string;
  /** `ldap://127.0.0.1:PORT` (StartTLS) */
  plainUrl: string;
  /** The PEM file of the test CA that signed the server's certificate. */
  caFile: string;
  /** A CA that did not sign it: the directory must be refused with it. */
  otherCaFile: string;
  /** The environment of a ReleaseGate that signs in against this directory. */
  env(extra?: Record<string, string>): Record<string, string>;
  addPerson(person: Person): Promise<void>;
  removePerson(uid: string): Promise<void>;
  disablePerson(uid: string): Promise<void>;
  /** A groupOfNames with these members (person uids or `group:` + cn for nested groups). */
  addGroup(cn: string, members: string[]): Promise<void>;
  addMember(cn: string, member: string): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const memberDn = (member: string) =>
  member.startsWith('group:') ? groupDn(member.slice('group:'.length)) : personDn(member);

async function makeCertificates(dir: string): Promise<{ caFile: string; otherCaFile: string }> {
  const ca = async (name: string) => {
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.crt`),
      '-subj', `/CN=ReleaseGate test ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ]); // prettier-ignore
  };
  await ca('ca');
  await ca('other-ca');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-CA', path.join(dir, 'ca.crt'), '-CAkey', path.join(dir, 'ca.key'),
    '-keyout', path.join(dir, 'server.key'), '-out', path.join(dir, 'server.crt'),
    '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext', 'basicConstraints=CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth',
  ]); // prettier-ignore
  return { caFile: path.join(dir, 'ca.crt'), otherCaFile: path.join(dir, 'other-ca.crt') };
}

const config = (dir: string) => `
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile ${dir}/slapd.pid
TLSCACertificateFile ${dir}/ca.crt
TLSCertificateFile ${dir}/server.crt
TLSCertificateKeyFile ${dir}/server.key
database mdb
maxsize 10485760
suffix "${BASE_DN}"
rootdn "${ROOT_DN}"
rootpw ${ROOT_PASSWORD}
directory ${dir}/data
overlay memberof
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="${SERVICE_DN}" read by self read by * none
`;

/** Starts slapd on two loopback ports (LDAPS, and LDAP for StartTLS) with an empty company. */
export async function startSlapd(): Promise<Slapd> {
  const dir = tempDir('rg-slapd-');
  fs.mkdirSync(path.join(dir, 'data'));
  const { caFile, otherCaFile } = await makeCertificates(dir);
  fs.writeFileSync(path.join(dir, 'slapd.conf'), config(dir));
  const [securePort, plainPort] = [await freePort(), await freePort()];
  const url = `ldaps://127.0.0.1:${securePort}`;
  const plainUrl = `ldap://127.0.0.1:${plainPort}`;
  let child: ChildProcess | null = null;
  let log = '';

  const admin = async <T>(use: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url, tlsOptions: { ca: [fs.readFileSync(caFile)] } });
    try {
      await client.bind(ROOT_DN, ROOT_PASSWORD);
      return await use(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  const start = async () => {
    // -d 0: stay in the foreground (the test owns the process) and log nothing extra.
    child = spawn(SLAPD_BIN, ['-f', path.join(dir, 'slapd.conf'), '-h', `${url}/ ${plainUrl}/`, '-d', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) => reject(new Error(`slapd exited (${code}): ${log}`))),
    );
    // Ready when an anonymous LDAPS connection binds (slapd listens before it serves).
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await Promise.race([admin(async () => undefined), exited]);
        return;
      } catch (error) {
        if (Date.now() > deadline || child.exitCode !== null) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };

  await start();
  await admin(async (client) => {
    await client.add(BASE_DN, {
      objectClass: ['top', 'dcObject', 'organization'],
      dc: 'example',
      o: 'Example',
    });
    for (const ou of ['people', 'groups', 'services'])
      await client.add(`ou=${ou},${BASE_DN}`, { objectClass: ['top', 'organizationalUnit'], ou });
    await client.add(SERVICE_DN, {
      objectClass: ['top', 'person'],
      cn: 'releasegate',
      sn: 'ReleaseGate',
      userPassword: SERVICE_PASSWORD,
    });
  });

  return {
    url,
    plainUrl,
    caFile,
    otherCaFile,
    env: (extra = {}) => ({
      LDAP_URL: url,
      LDAP_CA_FILE: caFile,
      LDAP_BIND_DN: SERVICE_DN,
      LDAP_BIND_PASSWORD: SERVICE_PASSWORD,
      LDAP_USER_BASE: PEOPLE,
      LDAP_GROUP_BASE: GROUPS,
      LDAP_USER_FILTER: USER_FILTER,
      LDAP_GROUP_FILTER: '(&(objectClass=groupOfNames)(member={dn}))',
      ...extra,
    }),
    addPerson: (p) =>
      admin((client) =>
        client.add(personDn(p.uid), {
          objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
          uid: p.uid,
          cn: p.name,
          sn: p.name,
          userPassword: p.password,
          ...(p.mail && { mail: p.mail }),
          ...(p.disabled && { employeeType: 'disabled' }),
        }),
      ),
    removePerson: (uid) => admin((client) => client.del(personDn(uid))),
    disablePerson: (uid) =>
      admin((client) =>
        client.modify(
          personDn(uid),
          new Change({
            operation: 'add',
            modification: new Attribute({ type: 'employeeType', values: ['disabled'] }),
          }),
        ),
      ),
    addGroup: (cn, members) =>
      admin((client) =>
        client.add(groupDn(cn), { objectClass: ['top', 'groupOfNames'], cn, member: members.map(memberDn) }),
      ),
    addMember: (cn, member) =>
      admin((client) =>
        client.modify(
          groupDn(cn),
          new Change({
            operation: 'add',
            modification: new Attribute({ type: 'member', values: [memberDn(member)] }),
          }),
        ),
      ),
    stop,
    start,
    close: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
