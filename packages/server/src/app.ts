import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { systemClock, type Clock } from '@releasegate/domain';
import type { Config } from './config';
import type { Db } from './db/database';
import { registerAuthentication } from './http/authenticate';
import { registerIdempotency } from './http/idempotency';
import { frameworkErrorReply, MAX_PARAM_LENGTH, registerErrorHandler } from './http/error-handler';
import { strictValidatorCompiler } from './http/strict-input';
import { registerIdentityCacheMetrics, registerMetrics } from './http/metrics';
import { registerOpenApi } from './http/openapi';
import { registerRateLimits } from './http/rate-limits';
import { registerSecurityHeaders } from './http/security-headers';
import { registerTextInputGuard } from './http/text-input';
import { registerUnreadBodyDrain } from './http/uploads';
import { clientErrorHandler, registerBodyTimeout, serverTimeoutOptions } from './http/timeouts';
import { DEFAULT_WEB_DIST, registerWeb } from './http/web';
import { auditRoutes } from './modules/audit/audit.routes';
import { createAuditWriter, type AuditWriter } from './modules/audit/audit.service';
import { AuditSigner } from './modules/audit/audit.signing';
import { timeStamperFrom, type TimeStamper } from './modules/audit/audit.timestamp';
import { SecretBox } from './storage/secret-box';
import { sealLegacyEndpoints } from './modules/notifications/notification.repository';
import {
  CHECKPOINT_JOB,
  FileCheckpointStore,
  checkpointSchedule,
  type CheckpointStore,
} from './modules/audit/audit.checkpoint';
import { authRoutes } from './modules/identity/auth.routes';
import type { IdentityDeps } from './modules/identity/identity.deps';
import { createIdentityCache } from './modules/identity/identity.cache';
import { tokenRoutes } from './modules/identity/token.routes';
import { secondFactorRoutes } from './modules/identity/second-factor.routes';
import { userRoutes } from './modules/identity/user.routes';
import { contactRoutes } from './modules/identity/contact.routes';
import { directoryRoutes } from './modules/identity/directory.routes';
import { OidcClient } from './modules/identity/oidc.client';
import { oidcRoutes } from './modules/identity/oidc.routes';
import { DIRECTORY_RECHECK_JOB, directoryRecheckSchedule } from './modules/identity/directory.recheck';
import { recheckLdapUsers } from './modules/identity/ldap.service';
import { oidcRechecker } from './modules/identity/oidc.service';
import { healthRoutes } from './modules/system/health.routes';
import { downloadRoutes } from './modules/system/downloads.routes';
import { cmdbRoutes } from './modules/cmdb/cmdb.routes';
import type { CmdbDeps } from './modules/cmdb/cmdb.deps';
import { ImpactGraphCache } from './modules/cmdb/impact.graph';
import { dslRoutes } from './modules/dsl/dsl.routes';
import { changeRoutes } from './modules/changes/change.routes';
import { ChatGrants, chatRoutes, injectAct } from './modules/chat';
import { AppTokens } from './modules/notifications/app.cards';
import { changeApprovals } from './modules/changes/change.queries';
import { policyRoutes } from './modules/policy/policy.routes';
import type { PolicyDeps } from './modules/policy/policy.service';
import { releaseRoutes } from './modules/releases/release.routes';
import type { ReleaseDeps } from './modules/releases/release.deps';
import { planRoutes } from './modules/plans/plan.routes';
import { checklistRoutes } from './modules/verification/checklist.routes';
import { gateRoutes } from './modules/gate/gate.routes';
import { executionRoutes } from './modules/execution/execution.routes';
import { MONITORING_POLL_JOB } from './modules/execution/execution.service';
import { monitoringRoutes } from './modules/monitoring/monitoring.routes';
import { pollHandler } from './modules/monitoring/monitoring.service';
import { rollbackRoutes } from './modules/rollback/rollback.routes';
import { ESCALATE_JOB, escalationHandler } from './modules/rollback/rollback.service';
import { postReleaseRoutes } from './modules/postrelease/postrelease.routes';
import { CMDB_DEADLINE_JOB, cmdbDeadlineHandler } from './modules/postrelease/postrelease.service';
import { SEAL_ARCHIVE_JOB, sealArchiveJob } from './modules/postrelease';
import { documentRoutes } from './modules/documents/documents.routes';
import { knowledgeRoutes } from './modules/knowledge/knowledge.routes';
import { measuresRoutes } from './modules/measures/measures.routes';
import { tasksRoutes } from './modules/tasks/tasks.routes';
import type { DslDeps } from './modules/dsl/dsl.service';
import { openBlobStore } from './storage/open-blob-store';
import { createEventBus } from './events/event-bus';
import { JobRunner } from './jobs/job.runner';
import { registerTestJobKinds } from './jobs/test-kinds';
import { notificationRoutes } from './modules/notifications/notification.routes';
import { registerDeliveryJobs } from './modules/notifications/notification.delivery';
import { DIGEST_JOB, digestSchedule } from './modules/notifications/notification.digest';
import { OutboundPolicy, type HostResolver } from './outbound/outbound-policy';
import './http/request-context';

export interface AppOptions {
  config: Config;
  db: Db;
  clock?: Clock;
  /** pino logger options; false silences logs (tests). */
  logger?: boolean;
  /** DNS for outbound calls; tests answer it themselves to play a rebinding name. */
  outboundResolver?: HostResolver;
}

export interface App {
  fastify: FastifyInstance;
  audit: AuditWriter;
  identity: IdentityDeps;
  cmdb: CmdbDeps;
  dsl: DslDeps;
  policy: PolicyDeps;
  releases: ReleaseDeps;
  /** Deadlines and deliveries; modules register their job kinds at build. */
  jobs: JobRunner;
  /** PR-3: signs checkpoints of the audit chain's head and evidence manifests. */
  signer: AuditSigner;
  checkpoints: CheckpointStore;
  /** PR-3: the RFC 3161 authority that time-stamps checkpoints, when one is configured. */
  timeStamper: TimeStamper | null;
  /** seals the secrets the application stores (robot tokens, signing secrets). */
  secrets: SecretBox;
  /** the daily digest e-mail's schedule (started with the job runner). */
  digest: { start(): Promise<void> };
  /** the scheduled directory re-check (started with the job runner). */
  directoryRecheck: { start(): Promise<void> };
}

/** Builds the whole HTTP application around an open, migrated database. */
export async function buildApp(options: AppOptions): Promise<App> {
  const { config, db } = options;
  const clock = options.clock ?? systemClock;
  const fastify = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
          },
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A path that is not percent-encoded UTF-8 answers in the API's one error shape.
    frameworkErrors: frameworkErrorReply,
    // On shutdown, end kept-alive connections too; a client holding one must not stall the stop.
    forceCloseConnections: true,
    ...serverTimeoutOptions(config.http),
    clientErrorHandler: clientErrorHandler(config.http),
  }).withTypeProvider<ZodTypeProvider>();
  fastify.setValidatorCompiler(strictValidatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  // Callback-style hooks: no promise per request on the hot path.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  const audit = createAuditWriter({ dialect: db.dialect, clock, algorithm: config.audit.hash });
  const { signer } = AuditSigner.loadOrCreate(config.audit.signingKeyFile, config.audit.signature);
  const checkpoints = new FileCheckpointStore(config.audit.checkpointDir);
  const timeStamper = timeStamperFrom(config.audit.tsa);
  const secrets = SecretBox.loadOrCreate(config.secretsKeyFile);
  await sealLegacyEndpoints(db.kysely, secrets);
  const cache = await createIdentityCache(db, config.session.cacheMs, (error) =>
    fastify.log.warn({ err: error }, 'identity cache'),
  );
  if (cache) fastify.addHook('onClose', () => cache.close());
  const identity: IdentityDeps = { db, clock, audit, secrets, settings: config, cache };
  const cmdb: CmdbDeps = { db, clock, audit, graph: new ImpactGraphCache(db) };
  const policy: PolicyDeps = { db, clock, audit };
  const blobs = await openBlobStore(config.dsl);
  fastify.addHook('onClose', async () => blobs.close?.());
  const events = await createEventBus(db, (error) => fastify.log.warn({ err: error }, 'live events'));
  fastify.addHook('onClose', () => events.close());
  const releases: ReleaseDeps = {
    db,
    clock,
    audit,
    graph: cmdb.graph,
    changeApprovals,
    blobs,
    maxUploadBytes: config.dsl.maxUploadBytes,
    events,
    prometheusUrl: config.monitoring.prometheusUrl,
    pdfFontPath: config.documents.pdfFontPath,
    signer,
    checkpoints,
    timeStamper,
  };
  const dsl: DslDeps = {
    db,
    clock,
    audit,
    blobs,
    maxUploadBytes: config.dsl.maxUploadBytes,
  };

  // First, so every answer carries them: API, web app, API docs, errors and 404s alike.
  registerSecurityHeaders(fastify, config.publicUrl);
  await fastify.register(fastifyCookie);
  await registerOpenApi(fastify);
  await fastify.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  fastify.get('/api/openapi.json', { schema: { hide: true } }, async () => fastify.swagger());

  // The API takes JSON bodies (checked to be UTF-8, http/text-input.ts) and nothing else; the
  // upload routes (DSL content, evidence, CMDB imports) take the raw file in contexts of their own
  // (http/uploads.ts). Any other content type is a 415 naming what the route takes.
  fastify.removeContentTypeParser('text/plain');
  registerTextInputGuard(fastify);
  registerUnreadBodyDrain(fastify);
  registerBodyTimeout(fastify, config.http.bodyTimeoutMs);

  const registry = registerMetrics(fastify);
  if (cache) registerIdentityCacheMetrics(registry, cache);
  const chatGrants = new ChatGrants();
  registerAuthentication(fastify, identity, chatGrants);
  registerIdempotency(fastify, { db, clock });
  // Before the routes: the limits attach to them as they are declared.
  await registerRateLimits(fastify, config.rateLimits);
  registerErrorHandler(fastify, { db, audit });

  const jobs = new JobRunner({
    db,
    clock,
    pollMs: config.jobs.pollMs,
    logger: fastify.log,
    metrics: registry,
  });
  if (config.jobs.testKinds) registerTestJobKinds(jobs, audit);
  // every URL a user gives (webhooks) is saved and called through this policy.
  const outbound = new OutboundPolicy(config.outbound.allow, options.outboundResolver);
  const appTokens = new AppTokens();
  const deliveries = registerDeliveryJobs(jobs, {
    db,
    clock,
    publicUrl: config.publicUrl,
    smtp: config.smtp,
    outbound,
    secrets,
    appTokens,
  });
  // Stopped with the app: the batch in flight finishes before the database closes.
  fastify.addHook('onClose', async () => {
    await jobs.stop();
    deliveries.close();
  });

  await fastify.register(healthRoutes(db, registry, config.metrics.token));
  await fastify.register(downloadRoutes());
  // the OpenID Provider, discovered at the first sign-in (and again after a failed one).
  const oidc = config.directory.oidc ? new OidcClient(config.directory.oidc) : null;
  await fastify.register(authRoutes(identity, config, oidc));
  await fastify.register(userRoutes(identity));
  await fastify.register(contactRoutes(identity, config.cmdbImport));
  await fastify.register(tokenRoutes(identity));
  await fastify.register(secondFactorRoutes(identity));
  const recheckers = [recheckLdapUsers, oidcRechecker(oidc)];
  await fastify.register(directoryRoutes(identity, recheckers));
  await fastify.register(oidcRoutes(identity, oidc, config));
  const directoryRecheck = directoryRecheckSchedule(identity, recheckers);
  jobs.register(DIRECTORY_RECHECK_JOB, directoryRecheck.handler);
  await fastify.register(auditRoutes({ db, audit, clock, signer, checkpoints, timeStamper }));
  const checkpointJobs = checkpointSchedule(
    { db, clock, signer, checkpoints, timeStamper },
    config.audit.checkpointMinutes,
  );
  jobs.register(CHECKPOINT_JOB, checkpointJobs.handler);
  const digest = digestSchedule({ db, clock }, config.digestHour);
  jobs.register(DIGEST_JOB, digest.handler);
  await fastify.register(cmdbRoutes(cmdb, config.cmdbImport));
  await fastify.register(dslRoutes(dsl));
  await fastify.register(changeRoutes({ db, clock, audit, webhookSecrets: config.changes.webhookSecrets }));
  await fastify.register(policyRoutes(policy));
  await fastify.register(releaseRoutes(releases));
  await fastify.register(planRoutes(releases));
  await fastify.register(checklistRoutes(releases));
  await fastify.register(gateRoutes(releases));
  await fastify.register(executionRoutes(releases));
  await fastify.register(monitoringRoutes(releases));
  await fastify.register(rollbackRoutes(releases));
  await fastify.register(postReleaseRoutes(releases));
  await fastify.register(tasksRoutes(releases));
  jobs.register(CMDB_DEADLINE_JOB, cmdbDeadlineHandler(releases));
  jobs.register(SEAL_ARCHIVE_JOB, sealArchiveJob(releases));
  jobs.register(ESCALATE_JOB, escalationHandler(releases));
  jobs.register(MONITORING_POLL_JOB, pollHandler(releases, config.monitoring.pollSeconds));
  await fastify.register(documentRoutes({ db, audit, pdfFontPath: config.documents.pdfFontPath }));
  await fastify.register(knowledgeRoutes({ db, clock, audit }));
  await fastify.register(measuresRoutes({ db, clock, audit }));
  await fastify.register(
    notificationRoutes({
      db,
      clock,
      audit,
      publicUrl: config.publicUrl,
      emailAvailable: config.smtp.url !== undefined,
      outbound,
      secrets,
      appTokens,
    }),
  );
  await fastify.register(
    chatRoutes({ db, clock, audit, secrets, grants: chatGrants, act: injectAct(fastify) }, config.chat),
  );
  await registerWeb(fastify, {
    distDir: config.webDistDir ?? DEFAULT_WEB_DIST,
    firstPaintMs: config.webFirstPaintMs,
    metrics: registry,
  });

  await fastify.ready();
  // Every module has registered its job kinds by now.
  if (config.jobs.enabled) {
    await checkpointJobs.start();
    await digest.start();
    await directoryRecheck.start();
    jobs.start();
  }
  return {
    fastify,
    audit,
    identity,
    cmdb,
    dsl,
    policy,
    releases,
    jobs,
    signer,
    checkpoints,
    timeStamper,
    secrets,
    digest,
    directoryRecheck,
  };
}
