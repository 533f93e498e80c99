import { migrateForServer } from './db/roles';
import { systemClock, type Clock } from '@releasegate/domain';
import { buildApp, type App } from './app';
import type { Config } from './config';
import { openDatabase, type Db } from './db/database';
import { firstRunSetupLink } from './modules/identity/auth.service';
import { ensureBuiltinCiTypes } from './modules/cmdb/ci-type.service';
import { ensureDefaultPolicy } from './modules/policy/policy.service';
import { systemContext } from './context';
import { writePidFile } from './pid-file';

export interface RunningServer {
  app: App;
  db: Db;
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations, builds the app and listens. On an empty database it
 * prints a one-time link for the first security administrator: there is no default password.
 */
export async function startServer(
  config: Config,
  options: { clock?: Clock; logger?: boolean; print?: (line: string) => void } = {},
): Promise<RunningServer> {
  // Claimed before the database is touched: a second server on the same SQLite file stops here.
  const removePidFile = config.database.kind === 'sqlite' ? writePidFile(config.dataDir) : () => undefined;
  const db = openDatabase(config, {
    onIdleError: (error) => process.emitWarning(`database connection ended: ${error.message}`),
  });
  let app: App | undefined;
  try {
    await migrateForServer(config, db);
    app = await buildApp({ config, db, clock: options.clock ?? systemClock, logger: options.logger });
    await app.fastify.listen({ port: config.port, host: config.host });
    const address = app.fastify.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    await ensureBuiltinCiTypes(app.cmdb, systemContext());
    await ensureDefaultPolicy(app.policy, systemContext());
    const link = await firstRunSetupLink(app.identity, systemContext());
    // One write, setup link first, so whoever waits for the "listening" line has the link too.
    const lines: string[] = [];
    if (link) {
      lines.push(
        '',
        'First run: no account exists yet. Open this one-time link to create the first security administrator',
      );
      lines.push(`(valid until ${link.expiresAt}):`, `  ${link.url}`, '');
    }
    lines.push(
      `ReleaseGate is listening on ${url} (database: ${db.dialect}${config.database.kind === 'sqlite' ? ` ${config.database.file}` : ''})`,
    );
    (options.print ?? ((text: string) => process.stdout.write(`${text}\n`)))(lines.join('\n'));
    const started = app;
    return {
      app: started,
      db,
      url,
      close: async () => {
        await started.fastify.close();
        await db.destroy();
        removePidFile();
      },
    };
  } catch (error) {
    // A start that failed after listening stops listening too: a node that cannot serve must
    // not stay up, answering on its port (to a load balancer's check) with nothing behind it.
    await app?.fastify.close().catch(() => undefined);
    await db.destroy();
    removePidFile();
    throw error;
  }
}
