import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-2, X-3: why a delivery's last attempt failed, as a reason of the message catalog (code and
// parameters, JSON) beside its English text, so administrators read it in their language.
//
// Deliveries from before are backfilled where the English is one the server wrote (the outbound
// policy's refusals, the network classes, HTTP statuses, the robots' refusals, SMTP not configured,
// the endpoint deleted or disabled). Anything else (an e-mail server's own words, older texts) is
// left without a code and is shown as stored. One UPDATE per distinct text.
type Parsed = { code: string; params: Record<string, string | number> };
const ROBOTS = new Set(['dingtalk', 'wecom', 'feishu']);
const BLOCKED = 'blocked by outbound policy (X-4): ';

const PATTERNS: [RegExp, (m: RegExpExecArray) => Parsed | null][] = [
  [
    /^(\S+) is an? (.+) address, not listed in OUTBOUND_ALLOW$/,
    (m) => ({ code: 'delivery_blocked_address', params: { address: m[1], range: m[2] } }),
  ],
  [
    /^(\S+) resolves to (\S+), an? (.+) address, not listed in OUTBOUND_ALLOW$/,
    (m) => ({ code: 'delivery_blocked_resolved', params: { host: m[1], address: m[2], range: m[3] } }),
  ],
  [/^only http and https are called$/, () => ({ code: 'delivery_blocked_scheme', params: {} })],
];

const FAILURES: [RegExp, (m: RegExpExecArray) => Parsed | null][] = [
  [
    /^timeout: no answer from (\S+) within (\d+) ms$/,
    (m) => ({ code: 'delivery_timeout', params: { host: m[1], ms: Number(m[2]) } }),
  ],
  [/^refused: (\S+) refused the connection$/, (m) => ({ code: 'delivery_refused', params: { host: m[1] } })],
  [
    /^dns: (\S+) does not resolve \((\w+)\)$/,
    (m) => ({ code: 'delivery_dns', params: { host: m[1], error: m[2] } }),
  ],
  [
    /^reset: (\S+) closed the connection \((\w+)\)$/,
    (m) => ({ code: 'delivery_reset', params: { host: m[1], error: m[2] } }),
  ],
  [
    /^unreachable: no route to (\S+) \((\w+)\)$/,
    (m) => ({ code: 'delivery_unreachable', params: { host: m[1], error: m[2] } }),
  ],
  [
    /^tls: the TLS connection to (\S+) failed \((\w+)\)$/,
    (m) => ({ code: 'delivery_tls', params: { host: m[1], error: m[2] } }),
  ],
  [/^error: could not reach (\S+)$/, (m) => ({ code: 'delivery_unreached', params: { host: m[1] } })],
  [
    /^error: could not reach (\S+) \((\w+)\)$/,
    (m) => ({ code: 'delivery_unreached_error', params: { host: m[1], error: m[2] } }),
  ],
  [
    /^redirect not followed: HTTP (\d+)$/,
    (m) => ({ code: 'delivery_redirect', params: { status: Number(m[1]) } }),
  ],
  [/^HTTP (\d+)$/, (m) => ({ code: 'delivery_http_status', params: { status: Number(m[1]) } })],
  [
    /^the (\w+) robot refused the message: code (\S+)$/,
    (m) =>
      ROBOTS.has(m[1]) ? { code: 'delivery_robot_refused', params: { format: m[1], code: m[2] } } : null,
  ],
  [
    /^the (\w+) robot's reply is not a JSON object \(HTTP (\d+)\)$/,
    (m) =>
      ROBOTS.has(m[1])
        ? { code: 'delivery_bad_reply', params: { format: m[1], status: Number(m[2]) } }
        : null,
  ],
  [/^SMTP is not configured \(SMTP_URL\)$/, () => ({ code: 'delivery_smtp_not_configured', params: {} })],
  [/^the endpoint was deleted$/, () => ({ code: 'delivery_endpoint_deleted', params: {} })],
  [/^the endpoint is disabled$/, () => ({ code: 'delivery_endpoint_disabled', params: {} })],
  [/^its delivery job ended$/, () => ({ code: 'delivery_job_ended', params: {} })],
];

function reasonOf(text: string): Parsed | null {
  const [patterns, rest] = text.startsWith(BLOCKED)
    ? [PATTERNS, text.slice(BLOCKED.length)]
    : [FAILURES, text];
  for (const [pattern, parse] of patterns) {
    const m = pattern.exec(rest);
    if (m) return parse(m);
  }
  return null;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notification_deliveries').addColumn('last_error_reason', 'text').execute();
  const texts = await db
    .selectFrom('notification_deliveries')
    .select('last_error')
    .distinct()
    .where('last_error', 'is not', null)
    .execute();
  for (const { last_error: text } of texts as { last_error: string }[]) {
    const reason = reasonOf(text);
    if (!reason) continue;
    await db
      .updateTable('notification_deliveries')
      .set({ last_error_reason: JSON.stringify(reason) })
      .where('last_error', '=', text)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notification_deliveries').dropColumn('last_error_reason').execute();
}
