import { migrateForServer } from '../db/roles';
import fs from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { isPermission, isRole, type Role } from '@releasegate/domain';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateDown } from '../db/migrate';
import { issueSetupLink } from '../modules/identity/auth.service';
import { createToken, listTokens, revokeToken } from '../modules/identity/token.service';
import {
  createUser,
  listUsers,
  setUserDisabled,
  unlockUser,
  updateUser,
} from '../modules/identity/user.service';
import { findUserByUsername } from '../modules/identity/identity.repository';
import { checkpointNow, verifyTrail } from '../modules/audit/audit.query';
import { certificatesFromPem } from '../modules/audit/audit.timestamp';
import { publicKeyInfo } from '../modules/audit/audit.signing';
import { recordStandalone } from '../modules/audit/audit.service';
import { verifyLibrary } from '../modules/dsl/dsl.verify';
import { blobStoreLocation, openBlobStore } from '../storage/open-blob-store';
import { AuditSigner } from '../modules/audit/audit.signing';
import { askGate, formatAnswer, terminalLanguage } from './gate-client';
import { pushLogFile, reportStep } from './step-client';
import { cliContext, nameRunningCommand, readStdin, recordRefusalIn, withDatabase } from './cli-context';
import { renderPermissionTable, writePermissionTable } from '../http/permission-table';
import { DomainError, notFound, refusalText, systemClock } from '@releasegate/domain';

// The server (the whole HTTP application), the OpenAPI writer, evidence verification (the
// release report's modules) and backup/restore are imported by the commands that use them: the
// short commands pipelines and operators run (gate, step, token, user, audit) load a third of the
// modules and start in about half the time.

/** A repeatable option's values, in order. */
const collect = (value: string, previous: string[] = []) => [...previous, value];
const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

function parseRoles(value: string): Role[] {
  const roles = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = roles.filter((r) => !isRole(r));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown role(s): ${bad.join(', ')}`);
  return roles as Role[];
}

function parseScopes(value: string): string[] {
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = scopes.filter((s) => !isPermission(s));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown scope(s): ${bad.join(', ')}`);
  return scopes;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

async function userIdOf(
  env: Parameters<Parameters<typeof withDatabase>[0]>[0],
  username: string,
): Promise<string> {
  const user = await findUserByUsername(env.db.kysely, username);
  if (!user) throw notFound('user', username);
  return user.id;
}

const program = new Command('releasegate')
  .description('ReleaseGate (发布管理平台): release management that enforces the release policy')
  .showHelpAfterError()
  .hook('preAction', (_root, action) => {
    // "token create": the name a refusal of this action is audited under (cli-context.ts).
    const words: string[] = [];
    for (let c: Command | null = action; c?.parent; c = c.parent) words.unshift(c.name());
    nameRunningCommand(words.join(' '));
  });

program
  .command('serve')
  .description('start the server (applies migrations first)')
  .action(async () => {
    const { startServer } = await import('../server');
    const server = await startServer(loadConfig());
    const stop = () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('migrate')
  .description('apply pending migrations (or undo the last one with --down)')
  .option('--down', 'undo the most recent migration')
  .action(async (options: { down?: boolean }) => {
    const config = loadConfig();
    const db = openDatabase(config);
    try {
      const results = options.down ? await migrateDown(db) : await migrateForServer(config, db);
      if (results.length === 0) out('The database schema is current.');
      for (const r of results)
        out(`${r.direction === 'Up' ? 'applied' : 'undone'}: ${r.migrationName} (${r.status})`);
    } finally {
      await db.destroy();
    }
  });

const admin = program.command('admin').description('administrator accounts');
admin
  .command('create')
  .description('print a one-time link that creates an administrator account (no password is ever set here)')
  .option(
    '--role <role>',
    'security_administrator, system_administrator or auditor',
    'security_administrator',
  )
  .action(async (options: { role: string }) => {
    const [role] = parseRoles(options.role);
    if (!role || !['security_administrator', 'system_administrator', 'auditor'].includes(role)) {
      throw new InvalidArgumentError(
        'admin create makes one of: security_administrator, system_administrator, auditor',
      );
    }
    await withDatabase(async (env) => {
      const link = await issueSetupLink(env.identity, env.ctx, role);
      out(`One-time link to create a ${role} account (valid until ${link.expiresAt}):`);
      out(`  ${link.url}`);
    });
  });

const user = program.command('user').description('user accounts');
user
  .command('list')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    await withDatabase(async (env) => {
      // Every user, a page at a time by username (the list pages on the server).
      const users = [];
      let cursor: string | undefined;
      do {
        const page = await listUsers(
          env.identity,
          env.ctx,
          {},
          { sort: 'username', direction: 'asc', limit: 200, cursor },
        );
        users.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (options.json) return out(JSON.stringify(users, null, 2));
      // A lock shows here too: the shell is where a locked-out last security administrator is helped.
      const now = env.identity.clock.now().toISOString();
      for (const u of users) {
        const locked = !u.disabled && !!u.lockedUntil && u.lockedUntil > now;
        const status = u.disabled ? 'disabled' : locked ? 'locked  ' : 'active  ';
        const hint = locked ? ` (until ${u.lockedUntil}; lift it with \`user unlock ${u.username}\`)` : '';
        out(`${u.username.padEnd(20)} ${status} ${u.roles.join(',')}${hint}`);
      }
    });
  });
user
  .command('create')
  .description(
    'create a user; the initial password is read from standard input and must be changed at the first sign-in',
  )
  .requiredOption('--username <name>')
  .requiredOption('--name <display name>')
  .requiredOption('--roles <roles>', 'comma-separated roles', parseRoles)
  .option('--email <email>')
  .option('--service', 'a service account for pipelines: no password, pipeline-scoped tokens only')
  .action(
    async (options: { username: string; name: string; roles: Role[]; email?: string; service?: boolean }) => {
      const password = options.service ? undefined : await readStdin();
      await withDatabase(async (env) => {
        const created = await createUser(env.identity, env.ctx, {
          username: options.username,
          displayName: options.name,
          email: options.email ?? null,
          roles: options.roles,
          password,
          serviceAccount: options.service === true,
        });
        out(
          `created ${created.serviceAccount ? 'service account ' : ''}${created.username} (${created.id}) with roles ${created.roles.join(', ')}`,
        );
      });
    },
  );
user
  .command('roles')
  .description("replace a user's roles")
  .argument('<username>')
  .argument('<roles>', 'comma-separated roles', parseRoles)
  .action(async (username: string, roles: Role[]) => {
    await withDatabase(async (env) => {
      const updated = await updateUser(env.identity, env.ctx, await userIdOf(env, username), { roles });
      out(`${updated.username}: ${updated.roles.join(', ') || '(no roles)'}`);
    });
  });
for (const [verb, disabled] of [
  ['disable', true],
  ['enable', false],
] as const) {
  user
    .command(verb)
    .argument('<username>')
    .action(async (username: string) => {
      await withDatabase(async (env) => {
        const u = await setUserDisabled(env.identity, env.ctx, await userIdOf(env, username), disabled);
        out(`${u.username} is ${u.disabled ? 'disabled; every session has ended' : 'enabled'}`);
      });
    });
}
user
  .command('unlock')
  .argument('<username>')
  .action(async (username: string) => {
    await withDatabase(async (env) => {
      const u = await unlockUser(env.identity, env.ctx, await userIdOf(env, username));
      out(`${u.username} is unlocked`);
    });
  });

const token = program.command('token').description('API tokens for pipelines');
token
  .command('create')
  .description('create a scoped, expiring token for a service account; the secret is printed once')
  .requiredOption('--user <username>', 'the service account the token acts for')
  .requiredOption('--name <name>')
  .requiredOption('--scopes <scopes>', 'comma-separated permissions, e.g. gate.check', parseScopes)
  .option('--days <days>', 'days until it expires', parsePositiveInt, 90)
  .action(async (options: { user: string; name: string; scopes: string[]; days: number }) => {
    await withDatabase(async (env) => {
      const created = await createToken(env.identity, env.ctx, {
        name: options.name,
        scopes: options.scopes,
        expiresInDays: options.days,
        userId: await userIdOf(env, options.user),
      });
      out(created.token);
      process.stderr.write(
        `token ${created.id} for ${created.username}, scopes ${created.scopes.join(',')}, expires ${created.expiresAt}. Store it now: it is not shown again.\n`,
      );
    });
  });
token
  .command('list')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    await withDatabase(async (env) => {
      const tokens = await listTokens(env.identity, env.ctx);
      if (options.json) return out(JSON.stringify(tokens, null, 2));
      for (const t of tokens)
        out(
          `${t.id}  ${t.prefix}…  ${t.username.padEnd(16)} ${t.state.padEnd(8)} ${t.name}  [${t.scopes.join(',')}]  expires ${t.expiresAt}`,
        );
    });
  });
token
  .command('revoke')
  .argument('<id>')
  .action(async (id: string) => {
    await withDatabase(async (env) => {
      const t = await revokeToken(env.identity, env.ctx, id);
      out(`token ${t.id} (${t.name}) is revoked`);
    });
  });

const audit = program.command('audit').description('the tamper-evident audit log');
audit
  .command('verify')
  .description(
    'recompute the hash chain and check it against the signed checkpoints of its head; exits 1 naming the first bad event, a cut tail, a rewritten chain or a forged checkpoint',
  )
  .option('--json', 'print JSON')
  .option(
    '--public-key <file>',
    "a trusted public key (PEM) to check checkpoints with, instead of the server's own (repeatable)",
    collect,
    [],
  )
  .option(
    '--tsa-ca <file>',
    'the root certificates (PEM) the time-stamping authority must chain to, instead of AUDIT_TSA_CA_FILE',
  )
  .action(async (options: { json?: boolean; publicKey: string[]; tsaCa?: string }) => {
    await withDatabase(async (env) => {
      const trusted = options.publicKey.length
        ? options.publicKey.map((file) => publicKeyInfo(fs.readFileSync(file, 'utf8')))
        : [env.signer.publicKey];
      const tsaRoots = options.tsaCa
        ? certificatesFromPem(fs.readFileSync(options.tsaCa, 'utf8'))
        : (env.timeStamper?.trustAnchors ?? []);
      const result = await verifyTrail(env, trusted, tsaRoots);
      if (options.json) out(JSON.stringify(result));
      else {
        if (result.firstBad)
          out(
            `BROKEN at event #${result.firstBad.seq} (${result.firstBad.id}): ${result.firstBad.problem}: ${result.firstBad.message}. ${result.eventsChecked} events before it verified.`,
          );
        for (const p of result.checkpoints.problems) out(`CHECKPOINT ${p.kind.toUpperCase()}: ${p.message}`);
        if (result.ok) {
          const latest = result.checkpoints.latest;
          const stamps = result.checkpoints.timeStamps;
          out(
            `OK: ${result.eventsChecked} events verified; last #${result.lastSeq ?? 0} ${result.lastHash ?? ''}; ` +
              (latest
                ? `${result.checkpoints.checked} signed checkpoints hold, the latest of event #${latest.seq} on ${latest.at}`
                : 'no checkpoint yet') +
              (stamps.stamped > 0
                ? `; ${stamps.stamped} time-stamped by ${stamps.trusted ? 'a trusted authority' : 'an authority not checked against a root (give --tsa-ca)'}`
                : '') +
              (stamps.missing > 0 ? `; ${stamps.missing} written while the authority gave no token` : ''),
          );
        }
      }
      await recordStandalone(env.db, env.audit, env.ctx, {
        action: 'audit.verify',
        entityType: 'audit_log',
        outcome: result.ok ? 'success' : 'failed',
        details: result,
      });
      if (!result.ok) process.exitCode = 1;
    });
  });
audit
  .command('checkpoint')
  .description("sign the chain's head now and append it to the checkpoint store")
  .action(async () => {
    await withDatabase(async (env) => {
      const c = await checkpointNow(env, env.ctx);
      out(
        `checkpoint of event #${c.seq} (${c.hash}) signed by ${c.algorithm} key ${c.keyId}, in ${env.checkpoints.location}`,
      );
      if (c.timeStamp) out(`time-stamped at ${c.timeStamp.genTime} by ${c.timeStamp.authority}`);
      else if (c.timeStampFailure) {
        process.stderr.write(`not time-stamped: ${c.timeStampFailure}\n`);
        process.exitCode = 1;
      }
    });
  });
audit
  .command('public-key')
  .description(
    'print the public key (PEM) that signs checkpoints and evidence manifests, for auditors to keep',
  )
  .action(async () => {
    await withDatabase(async (env) => {
      process.stderr.write(`${env.signer.publicKey.algorithm} key ${env.signer.publicKey.keyId}\n`);
      out(env.signer.publicKey.pem.trimEnd());
    });
  });

const dsl = program.command('dsl').description('the definitive software library');
dsl
  .command('verify')
  .description('re-hash every stored object; exits 1 and lists any corrupted or missing content')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    await withDatabase(async (env) => {
      const report = await verifyLibrary(env.db, await openBlobStore(env.config.dsl));
      if (options.json) out(JSON.stringify(report));
      else {
        out(`${report.ok ? 'OK' : 'PROBLEMS'}: ${report.checked} stored objects re-hashed`);
        for (const c of report.corrupted)
          out(
            `  corrupted ${c.digest} (now hashes to ${c.actual}) — ${c.versions.join(', ') || 'no version'}`,
          );
        for (const m of report.missing) out(`  missing   ${m.digest} — ${m.versions.join(', ')}`);
        if (report.orphaned.length)
          out(`  ${report.orphaned.length} stored objects belong to no version (harmless)`);
      }
      await recordStandalone(env.db, env.audit, env.ctx, {
        action: 'dsl.verify',
        entityType: 'dsl',
        outcome: report.ok ? 'success' : 'failed',
        details: { checked: report.checked, corrupted: report.corrupted, missing: report.missing },
      });
      if (!report.ok) process.exitCode = 1;
    });
  });

program
  .command('blobs')
  .description('the blob store (DS-3)')
  .command('migrate-to-s3')
  .description(
    'copy every object of a local blob store into the configured S3 bucket (BLOB_STORE=s3) and read each back to verify it; idempotent: run it again after an interruption; exits 1 on any object that does not verify',
  )
  .option('--from <dir>', 'the local store to copy (default: DATA_DIR/blobs)')
  .option('--json', 'print JSON')
  .action(async (options: { from?: string; json?: boolean }) => {
    await withDatabase(async (env) => {
      const { migrateToS3 } = await import('../storage/migrate-to-s3');
      const r = await migrateToS3(env.config.dsl, options.from ?? env.config.dsl.blobDir);
      const ok = r.corrupted.length === 0 && r.failed.length === 0;
      if (options.json) out(JSON.stringify({ ok, ...r }));
      else {
        out(`${ok ? 'OK' : 'PROBLEMS'}: ${r.listed} objects of ${r.from} in ${r.to}`);
        out(`  ${r.copied} copied, ${r.present} already there, ${r.verified} read back and verified`);
        for (const d of r.corrupted) out(`  corrupted in the local store, not copied: ${d}`);
        for (const d of r.failed) out(`  does not verify in the bucket: ${d}`);
      }
      // Moving the definitive library is on the audit trail like verifying it: where from, where
      // to, what was copied and what did not verify.
      await recordStandalone(env.db, env.audit, env.ctx, {
        action: 'dsl.store_migrate',
        entityType: 'dsl',
        outcome: ok ? 'success' : 'failed',
        details: {
          from: r.from,
          to: r.to,
          listed: r.listed,
          copied: r.copied,
          present: r.present,
          verified: r.verified,
          // The first hundred of each: enough to act on, bounded for the trail.
          corrupted: r.corrupted.slice(0, 100),
          corruptedCount: r.corrupted.length,
          failed: r.failed.slice(0, 100),
          failedCount: r.failed.length,
        },
      });
      if (!ok) process.exitCode = 1;
    });
  });

program
  .command('evidence')
  .description('release evidence packages (PO-3)')
  .command('verify')
  .description(
    "re-hash every file of an evidence package against its manifest and check the manifest's signature and the audit checkpoint it cites; exits 1 on any problem",
  )
  .argument('<file>', 'the evidence package (.zip) exported from a release')
  .option('--json', 'print JSON')
  .option(
    '--public-key <file>',
    'a trusted public key (PEM, from `releasegate audit public-key`) to check signatures with (repeatable); without it, the key inside the package is used, which proves consistency but not origin',
    collect,
    [],
  )
  .option(
    '--tsa-ca <file>',
    "the root certificates (PEM) the time-stamping authority must chain to; without it, a checkpoint's time-stamp is checked against the certificate inside its token",
  )
  .action(async (file: string, options: { json?: boolean; publicKey: string[]; tsaCa?: string }) => {
    const trusted = options.publicKey.map((k) => publicKeyInfo(fs.readFileSync(k, 'utf8')));
    const tsaRoots = options.tsaCa ? certificatesFromPem(fs.readFileSync(options.tsaCa, 'utf8')) : [];
    const { verifyEvidencePackage } = await import('../modules/postrelease/closing.service');
    const report = await verifyEvidencePackage(await fs.promises.readFile(file), trusted, tsaRoots);
    if (options.json) out(JSON.stringify(report));
    else {
      out(
        `${report.ok ? 'OK' : 'PROBLEMS'}: ${report.checked} files checked against the manifest of ${file}`,
      );
      if (report.signature.valid)
        out(
          `  manifest signed by key ${report.signature.keyId}${report.signature.trusted ? ' (trusted)' : ' (the key inside the package: pass --public-key to prove who signed it)'}`,
        );
      if (report.auditCheckpoint?.valid)
        out(
          `  cites the audit chain's signed head: event #${report.auditCheckpoint.seq} at ${report.auditCheckpoint.at}` +
            (report.auditCheckpoint.timeStampedAt
              ? `, time-stamped at ${report.auditCheckpoint.timeStampedAt}${options.tsaCa ? '' : ' (the certificate inside the token: pass --tsa-ca to check its authority)'}`
              : ''),
        );
      for (const p of report.problems) out(`  ${p}`);
    }
    if (!report.ok) process.exitCode = 1;
  });

program
  .command('openapi')
  .description('write the OpenAPI 3.1 document of the API to a file')
  .argument('[file]', 'where to write it', 'docs/openapi.json')
  .action(async (file: string) => {
    const { writeOpenApi } = await import('./openapi');
    await writeOpenApi(file);
    out(`OpenAPI document written to ${file}`);
  });

program
  .command('permissions')
  .description(
    'print the permission table the server enforces (roles, forbidden pairs, token scopes, routes)',
  )
  .option('--write <file>', 'replace the generated section of this document instead, e.g. docs/security.md')
  .action((options: { write?: string }) => {
    if (!options.write) return out(renderPermissionTable());
    writePermissionTable(options.write);
    out(`permission table written to ${options.write}`);
  });

const gate = program.command('gate').description('the deployment gate, for pipelines');
gate
  .command('check')
  .description('ask whether artifacts may be deployed now; exits 0 when allowed, 1 when refused, 2 on error')
  .requiredOption('--release <number>', 'release number, e.g. REL-2026-0042')
  .requiredOption('--environment <environment>', 'target environment, e.g. production')
  .option('--digest <sha256>', 'artifact SHA-256 (repeatable)', collect, [])
  .option('--file <path>', 'artifact file to hash and check (repeatable)', collect, [])
  .addOption(new Option('--url <url>', 'ReleaseGate address').env('RELEASEGATE_URL').makeOptionMandatory())
  .addOption(
    new Option('--token <token>', 'API token with scope gate.check')
      .env('RELEASEGATE_TOKEN')
      .makeOptionMandatory(),
  )
  .option('--json', 'print JSON')
  .action(
    async (o: {
      release: string;
      environment: string;
      digest: string[];
      file: string[];
      url: string;
      token: string;
      json?: boolean;
    }) => {
      const language = terminalLanguage();
      const answer = await askGate(
        {
          url: o.url,
          token: o.token,
          release: o.release,
          environment: o.environment,
          digests: o.digest,
          files: o.file,
        },
        language,
      );
      out(o.json ? JSON.stringify(answer) : formatAnswer(answer, language));
      if (!answer.allowed) process.exitCode = 1;
    },
  );

const step = program.command('step').description('report plan steps from a pipeline (IM-2, IM-7)');
for (const event of ['start', 'finish'] as const) {
  const command = step
    .command(event)
    .description(event === 'start' ? 'a step of the plan starts' : 'a running step ends with its result')
    .requiredOption('--release <number>', 'release number, e.g. REL-2026-0042')
    .requiredOption('--step <n>', 'the step, numbered as in the plan (1, 2, …)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a step number from 1');
      return n;
    })
    .addOption(
      new Option('--phase <phase>', 'implementation or rollback')
        .choices(['implementation', 'rollback'])
        .default('implementation'),
    )
    .option('--executor <name>', 'who or what runs it, e.g. "gitlab-runner #42"')
    .option(
      '--report-id <id>',
      'idempotency key: the same report sent twice counts once (e.g. $CI_JOB_ID-start)',
    )
    .addOption(new Option('--url <url>', 'ReleaseGate address').env('RELEASEGATE_URL').makeOptionMandatory())
    .addOption(
      new Option('--token <token>', 'API token with scope release.implement')
        .env('RELEASEGATE_TOKEN')
        .makeOptionMandatory(),
    );
  if (event === 'finish')
    command
      .addOption(
        new Option('--status <status>', 'succeeded or failed')
          .choices(['succeeded', 'failed'])
          .default('succeeded'),
      )
      .option('--result <text>', 'the result in a line')
      .option('--output-file <path>', 'a file whose text is kept as the step output (last 64 KiB)');
  command.action(
    async (o: {
      release: string;
      step: number;
      phase: 'implementation' | 'rollback';
      executor?: string;
      reportId?: string;
      url: string;
      token: string;
      status?: 'succeeded' | 'failed';
      result?: string;
      outputFile?: string;
    }) => {
      const output = o.outputFile ? fs.readFileSync(o.outputFile, 'utf8').slice(-65_536) : undefined;
      out(await reportStep({ ...o, event, output }));
      if (o.status === 'failed') process.exitCode = 1;
    },
  );
}

program
  .command('logs')
  .description("push a log file to the release (IM-5); lines matching the plan's error patterns are flagged")
  .requiredOption('--release <number>', 'release number')
  .requiredOption('--file <path>', 'the log file, one entry per line')
  .option('--source <name>', 'where the lines come from', 'pipeline')
  .addOption(new Option('--url <url>', 'ReleaseGate address').env('RELEASEGATE_URL').makeOptionMandatory())
  .addOption(
    new Option('--token <token>', 'API token with scope release.implement')
      .env('RELEASEGATE_TOKEN')
      .makeOptionMandatory(),
  )
  .action(async (o: { release: string; file: string; source: string; url: string; token: string }) => {
    const { accepted, flagged } = await pushLogFile(o);
    out(`PUSHED: ${accepted} lines to ${o.release}, ${flagged} flagged by the plan's error patterns`);
  });

program
  .command('backup')
  .description(
    'write one archive (tar) of the database, every file of the blob store and a signed manifest; online: the server may keep running',
  )
  .argument(
    '[file]',
    'where to write it (never overwritten)',
    `releasegate-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar`,
  )
  .action(async (file: string) => {
    const { createBackup } = await import('../backup/backup.service');
    // Not migrated first: a backup taken before an upgrade must hold the database as it was.
    await withDatabase(
      async (env) => {
        const r = await createBackup({ ...env, blobs: await openBlobStore(env.config.dsl) }, env.ctx, file);
        const { database, auditHead, counts } = r.manifest;
        out(`backup written to ${r.file}`);
        out(
          `  database: ${database.kind}${database.schema ? ` (schema ${database.schema})` : ''}, audit chain up to event #${auditHead.seq}`,
        );
        out(`  blob store: ${counts.blobs} files, ${counts.bytes} bytes`);
        out(`  manifest SHA-256 ${r.manifestSha256}, signed by key ${env.signer.publicKey.keyId}`);
        if (r.corrupted.length > 0) {
          out(
            `WARNING: ${r.corrupted.length} stored files no longer match their SHA-256 and were archived as found (run \`releasegate dsl verify\`):`,
          );
          for (const name of r.corrupted) out(`  ${name}`);
          process.exitCode = 1;
        }
      },
      { migrate: false },
    );
  });

program
  .command('restore')
  .description(
    'check a backup archive entry by entry against its signed manifest, then replace the database and the blob store with it (stop the server first)',
  )
  .argument('<file>', 'an archive written by `releasegate backup`')
  .option(
    '--public-key <file>',
    "a trusted public key (PEM) the manifest may be signed with (repeatable); without it, the server's own key",
    collect,
    [],
  )
  .action(async (file: string, options: { publicKey: string[] }) => {
    const config = loadConfig();
    // The server's key only when it exists: a refused restore must not leave a new key behind.
    const trusted = options.publicKey.length
      ? options.publicKey.map((k) => publicKeyInfo(fs.readFileSync(k, 'utf8')))
      : fs.existsSync(config.audit.signingKeyFile)
        ? [AuditSigner.loadOrCreate(config.audit.signingKeyFile, config.audit.signature).signer.publicKey]
        : [];
    const { restoreBackup } = await import('../backup/restore.service');
    try {
      const r = await restoreBackup(
        { config, clock: systemClock, trustedPublicKeys: trusted },
        cliContext(),
        file,
      );
      const { database, auditHead, counts, createdAt } = r.manifest;
      out(`restored the backup of ${createdAt} from ${file}`);
      out(
        `  database: ${database.kind}${config.database.kind === 'postgres' ? ` into schema ${config.database.schema ?? 'public'}` : ` ${config.database.file}`}, audit chain up to event #${auditHead.seq}, then migrated`,
      );
      out(`  blob store: ${counts.blobs} files in ${blobStoreLocation(config.dsl)}`);
      out(`  manifest SHA-256 ${r.manifestSha256}, signed by key ${r.keyId}`);
      if (r.kept.length > 0) {
        out('  what it replaced is kept (remove it once the restored system is checked):');
        for (const k of r.kept) out(`    ${k}`);
      }
      for (const name of r.leftOut)
        out(`  left out ${name}: it no longer matched its SHA-256 when backed up`);
      out('Start the server, then run `releasegate audit verify` and `releasegate dsl verify`.');
    } catch (error) {
      if (error instanceof DomainError) await recordRefusalIn(config, error);
      throw error;
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof DomainError)
    process.stderr.write(`refused (${error.code}): ${refusalText(error, terminalLanguage())}\n`);
  else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
