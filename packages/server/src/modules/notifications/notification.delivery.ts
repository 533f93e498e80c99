import type { Mail } from 'nodemailer';
import { renderReason, type Reason } from '@releasegate/messages';
import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import { advanceJob, findJobByKey } from '../../jobs/job.repository';
import { JobDeferred, type JobRunner, type LeasedJob } from '../../jobs/job.runner';
import { OutboundError, outboundRequest, type OutboundFailure } from '../../outbound/outbound-http';
import type { SecretBox } from '../../storage/secret-box';
import type { OutboundPolicy } from '../../outbound/outbound-policy';
import * as repo from './notification.repository';
import { DELIVERY_JOB, deliveryJobKey } from './notify';
import {
  acceptanceProblem,
  RATE_LIMITED,
  vendorOf,
  webhookRequest,
  type AnswerProblemClass,
  type Mention,
} from './webhook.formats';
import { claimSendSlot, ROBOT_RATE_LIMITS, type RobotRateLimits } from './robot.rate';
import { AppCardError, AppTokens, sendAppCard } from './app.cards';

export interface DeliveryDeps {
  db: Db;
  clock: Clock;
  /** Links in messages are made absolute with it. */
  publicUrl: string;
  smtp: { url: string | undefined; from: string };
  /** which webhook targets may be called (OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
  /** opens the sealed URL and secret of an endpoint just before they are used. */
  secrets: SecretBox;
  /** Per HTTP request or SMTP conversation. */
  timeoutMs?: number;
  /** the robots' rate limits; the vendors' published figures (ROBOT_RATE_LIMITS) unless a test says. */
  robotLimits?: RobotRateLimits;
  /** X-2: the chat apps' access tokens (shared with the endpoint test). */
  appTokens?: AppTokens;
}

/**
 * Attempts per delivery: with backoff from 30 s doubling to an hour, twelve attempts span about
 * six hours of a receiver being down before a delivery is marked failed (an administrator can
 * send it again).
 */
export const DELIVERY_MAX_ATTEMPTS = 12;
/**
 * how long a robot may keep answering "too many messages" before the delivery fails: a day
 * (a throttle lasts minutes; a robot that says so for a day is misconfigured, or abused, and an
 * administrator should see it).
 */
export const RATE_LIMITED_GIVE_UP_MS = 24 * 3600_000;
/** How long a delivery waits for an earlier one to the same endpoint before it looks again. */
const WAIT_FOR_EARLIER_MS = 5 * 60_000;

/**
 * Why a webhook attempt failed: no answer (OutboundFailure), an answer that is not acceptance, or
 * (a chat app's card) nobody bound to send it to.
 */
export type DeliveryErrorClass = OutboundFailure | AnswerProblemClass | 'no_recipient';

/**
 * The outcome of one attempt that reached (or failed to reach) the receiver. The reason (a code of
 * the message catalog, X-3) is the class, the host and the HTTP status — never the receiver's body,
 * nor the URL's path or query; the message is its English.
 */
export class DeliveryError extends Error {
  constructor(
    readonly errorClass: DeliveryErrorClass,
    readonly reason: Reason,
    readonly responseCode: number | null = null,
  ) {
    super(renderReason('en', reason));
    this.name = 'DeliveryError';
  }
}

/** Why an attempt failed: its English and, where the system knows the class, its catalog reason. */
interface Failure {
  lastError: string;
  lastErrorReason: Reason | null;
}

const failure = (reason: Reason): Failure => ({
  lastError: renderReason('en', reason),
  lastErrorReason: reason,
});

const errorText = (error: unknown) => {
  // A delivery error's message is complete and safe to show; nothing beneath it is added.
  if (error instanceof DeliveryError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.slice(0, 1000);
};

/** What a chat app's card needs beside the outbound policy: the seal for its buttons, its tokens. */
export interface AppCardDeps {
  secrets: SecretBox;
  tokens: AppTokens;
}

const isAppEndpoint = (e: repo.WebhookEndpoint): e is repo.WebhookEndpoint & { format: repo.AppFormat } =>
  (repo.APP_FORMATS as readonly string[]).includes(e.format);

/**
 * Sends one webhook request (or a chat app's card) through the outbound policy; throws a
 * DeliveryError unless accepted.
 */
export async function sendWebhook(
  policy: OutboundPolicy,
  endpoint: repo.WebhookEndpoint,
  delivery: { id: string; message: repo.Message },
  now: Date,
  publicUrl: string,
  timeoutMs: number,
  mentions: readonly Mention[] = [],
  app?: AppCardDeps,
): Promise<number> {
  if (isAppEndpoint(endpoint)) {
    if (!app) throw new Error('a chat app endpoint needs AppCardDeps');
    try {
      return await sendAppCard({ policy, timeoutMs, publicUrl, ...app }, endpoint, delivery, mentions, now);
    } catch (error) {
      if (error instanceof OutboundError) throw new DeliveryError(error.failure, error.reason);
      if (error instanceof AppCardError)
        throw new DeliveryError(error.errorClass, error.reason, error.responseCode);
      throw error;
    }
  }
  const request = webhookRequest(endpoint, delivery, now, publicUrl, mentions);
  let response;
  try {
    response = await outboundRequest(policy, {
      url: request.url,
      headers: request.headers,
      body: request.body,
      timeoutMs,
    });
  } catch (error) {
    if (error instanceof OutboundError) throw new DeliveryError(error.failure, error.reason);
    throw error;
  }
  const problem = acceptanceProblem(endpoint.format, response.status, response.body);
  if (problem) throw new DeliveryError(problem.errorClass, problem.reason, response.status);
  return response.status;
}

/** The e-mail of a message: Chinese first (subject and body), English beneath; UTF-8 throughout. */
export function emailOf(message: repo.Message, publicUrl: string) {
  const link = message.link
    ? /^https?:/.test(message.link)
      ? message.link
      : `${publicUrl}${message.link}`
    : null;
  return {
    subject: `【发布管理平台】${message.title.zh}`,
    text: [
      message.title.zh,
      '',
      message.body.zh,
      ...(link ? ['', `查看详情：${link}`] : []),
      '',
      '——',
      message.title.en,
      '',
      message.body.en,
      ...(link ? ['', `View: ${link}`] : []),
      '',
    ].join('\n'),
  };
}

/**
 * X-2 delivery: registers the job that sends one e-mail or webhook delivery. Deliveries to one
 * endpoint go out in the order they were enqueued: a delivery waits (deferred, no attempt spent)
 * while an earlier one to the same endpoint is pending, and a delivery that succeeds or fails for
 * good calls the next one forward. A failed attempt is recorded on the delivery (error, response
 * code) and retried with backoff; after the last attempt the delivery is marked failed.
 */
export function registerDeliveryJobs(runner: JobRunner, deps: DeliveryDeps): { close(): void } {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const limits = deps.robotLimits ?? ROBOT_RATE_LIMITS;
  const app: AppCardDeps = { secrets: deps.secrets, tokens: deps.appTokens ?? new AppTokens() };
  // nodemailer is loaded with the first e-mail, not at the server's start (docs/performance.md).
  let mailer: Promise<Mail> | undefined;
  const mail = () =>
    (mailer ??= import('nodemailer').then(({ createTransport }) =>
      createTransport(
        {
          url: deps.smtp.url,
          connectionTimeout: timeoutMs,
          greetingTimeout: timeoutMs,
          socketTimeout: timeoutMs,
        },
        { from: deps.smtp.from },
      ),
    ));

  const q = () => deps.db.kysely;
  const at = () => deps.clock.now().toISOString();

  /** The next pending delivery to the endpoint runs now instead of at the end of its wait. */
  const callNext = async (d: repo.Delivery) => {
    if (!d.endpointId) return;
    const next = await repo.pendingBeside(q(), d.endpointId, d.seq, 'after');
    if (next) await advanceJob(q(), deliveryJobKey(next.id), at());
  };

  /** Throws JobDeferred while an earlier delivery to the same endpoint is still on its way. */
  const waitForEarlier = async (d: repo.Delivery) => {
    const earlier = await repo.pendingBeside(q(), d.endpointId!, d.seq, 'before');
    if (!earlier) return;
    const job = await findJobByKey(q(), deliveryJobKey(earlier.id));
    const now = deps.clock.now().getTime();
    if (!job || job.state === 'failed' || job.state === 'cancelled' || job.state === 'done') {
      // Its job ended without settling it (e.g. its leases kept expiring): settle it now.
      await repo.recordAttempt(q(), earlier.id, {
        status: 'failed',
        attempts: earlier.attempts,
        at: at(),
        ...(earlier.lastError === null
          ? failure({ code: 'delivery_job_ended', params: {} })
          : { lastError: earlier.lastError, lastErrorReason: earlier.lastErrorReason }),
        responseCode: earlier.responseCode,
      });
      return waitForEarlier(d);
    }
    const until = Math.min(now + WAIT_FOR_EARLIER_MS, Math.max(now + 1000, Date.parse(job.dueAt)));
    throw new JobDeferred(
      new Date(until),
      `waiting for the earlier delivery #${earlier.seq} to this endpoint`,
    );
  };

  const deliver = async (job: LeasedJob) => {
    const d = await repo.findDelivery(q(), String(job.payload.deliveryId));
    if (!d || d.status !== 'pending') return;
    const attempt = d.attempts + 1;
    const final = job.attempts >= DELIVERY_MAX_ATTEMPTS;
    const settle = async (status: repo.DeliveryStatus, why: Failure | null, responseCode: number | null) => {
      await repo.recordAttempt(q(), d.id, {
        status,
        attempts: attempt,
        at: at(),
        lastError: why?.lastError ?? null,
        lastErrorReason: why?.lastErrorReason ?? null,
        responseCode,
      });
      if (status !== 'pending') await callNext(d);
    };
    try {
      if (d.channel === 'email') {
        if (!deps.smtp.url)
          return settle('skipped', failure({ code: 'delivery_smtp_not_configured', params: {} }), null);
        const { subject, text } = emailOf(d.message, deps.publicUrl);
        const info = await (await mail()).sendMail({ to: d.recipient!, subject, text });
        return settle('delivered', null, Number(/^(\d{3})/.exec(String(info.response ?? ''))?.[1] ?? 250));
      }
      const endpoint = d.endpointId ? await repo.findEndpoint(q(), d.endpointId, deps.secrets) : undefined;
      if (!endpoint) return settle('cancelled', failure(repo.ENDPOINT_DELETED), null);
      if (!endpoint.enabled)
        return settle('cancelled', failure({ code: 'delivery_endpoint_disabled', params: {} }), null);
      await waitForEarlier(d);
      await claimSendSlot(q(), deps.clock, limits, endpoint, d.id);
      const mentions = await repo.mentionsOf(q(), d.message.mentionUserIds ?? []);
      const code = await sendWebhook(
        deps.outbound,
        endpoint,
        d,
        deps.clock.now(),
        deps.publicUrl,
        timeoutMs,
        mentions,
        app,
      );
      return settle('delivered', null, code);
    } catch (error) {
      if (error instanceof JobDeferred) throw error;
      // The policy does not change while the server runs: trying again in a minute would be refused
      // again. Failed at once, with the rule; an administrator sends it again once it is allowed.
      if (error instanceof DeliveryError && error.errorClass === 'blocked')
        return settle('failed', failure(error.reason), null);
      // a chat app's card for people none of whom has an account of that app bound.
      if (error instanceof DeliveryError && error.errorClass === 'no_recipient')
        return settle('skipped', failure(error.reason), null);
      // the robot says too many messages: recorded, and tried again once its limit has passed,
      // without spending an attempt (a limit is not a failure).
      if (error instanceof DeliveryError && error.errorClass === 'rate_limited' && d.channel === 'webhook') {
        if (deps.clock.now().getTime() - Date.parse(d.createdAt) >= RATE_LIMITED_GIVE_UP_MS)
          return settle('failed', failure(error.reason), error.responseCode);
        await settle('pending', failure(error.reason), error.responseCode);
        const format = (await repo.findEndpoint(q(), d.endpointId!, deps.secrets))?.format ?? 'generic';
        const wait = format === 'generic' ? 60_000 : RATE_LIMITED[vendorOf(format)].retryAfterMs;
        throw new JobDeferred(new Date(deps.clock.now().getTime() + wait), error.message);
      }
      const code = error instanceof DeliveryError ? error.responseCode : smtpCode(error);
      await settle(final ? 'failed' : 'pending', failureOf(error, d.channel), code);
      throw error;
    }
  };

  runner.register(DELIVERY_JOB, { external: deliver, maxAttempts: DELIVERY_MAX_ATTEMPTS });
  return { close: () => void mailer?.then((m) => m.close()) };
}

/**
 * Why an attempt failed. A webhook's DeliveryError is its reason; an e-mail's is the SMTP reply
 * code when the mail server answered, else nodemailer's error code (its English keeps the detail,
 * for the administrator). Anything else is kept in English only.
 */
function failureOf(error: unknown, channel: repo.Delivery['channel']): Failure {
  if (error instanceof DeliveryError) return failure(error.reason);
  const lastError = errorText(error);
  if (channel !== 'email') return { lastError, lastErrorReason: null };
  const status = smtpCode(error);
  const code = (error as { code?: unknown } | null)?.code;
  return {
    lastError,
    lastErrorReason:
      status !== null
        ? { code: 'delivery_smtp_rejected', params: { status } }
        : { code: 'delivery_smtp_failed', params: { error: typeof code === 'string' ? code : 'unknown' } },
  };
}

/** nodemailer's error carries the SMTP reply code when the server answered. */
function smtpCode(error: unknown): number | null {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' ? code : null;
}
