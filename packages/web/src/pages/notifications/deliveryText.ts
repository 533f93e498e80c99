import { zh } from '@releasegate/messages';
import type { TFunction } from 'i18next';

/**
 * The outbound policy's reason (X-4) in Chinese: "127.0.0.1 is a loopback address, not listed in
 * OUTBOUND_ALLOW", or "localhost resolves to 127.0.0.1, a loopback address, …". Undefined when the
 * text is not one of them.
 */
function outboundReasonZh(reason: string): string | undefined {
  const ranges: Record<string, string> = zh.words.addressRange;
  const range = (r: string) => ranges[r] ?? r;
  let m = /^(\S+) is an? (.+) address, not listed in OUTBOUND_ALLOW$/.exec(reason);
  if (m) return `${m[1]} 属于${range(m[2])}，未在 OUTBOUND_ALLOW 中放行`;
  m = /^(\S+) resolves to (\S+), an? (.+) address, not listed in OUTBOUND_ALLOW$/.exec(reason);
  if (m) return `${m[1]} 解析为 ${m[2]}，属于${range(m[3])}，未在 OUTBOUND_ALLOW 中放行`;
  if (reason === 'only http and https are called') return '只调用 http 和 https 地址';
  return undefined;
}

type Failure = [RegExp, (m: RegExpExecArray, t: TFunction, language: string) => string];

const robot = (t: TFunction, format: string) =>
  t(`notifications.admin.formats.${format}`, { defaultValue: format });

/**
 * The server's delivery errors (notification.delivery.ts, outbound-http.ts, webhook.formats.ts),
 * each a fixed sentence with the host, a status or a code: status and class only, never what the
 * receiver wrote (X-4). Read back into the reader's language.
 */
const FAILURES: Failure[] = [
  [
    /^blocked by outbound policy \(X-4\): (.+)$/,
    (m, t, language) =>
      t('notifications.admin.failures.blocked', {
        reason: (language === 'en' ? undefined : outboundReasonZh(m[1])) ?? m[1],
      }),
  ],
  [
    /^timeout: no answer from (\S+) within (\d+) ms$/,
    (m, t) => t('notifications.admin.failures.timeout', { host: m[1], ms: m[2] }),
  ],
  [
    /^refused: (\S+) refused the connection$/,
    (m, t) => t('notifications.admin.failures.refused', { host: m[1] }),
  ],
  [
    /^dns: (\S+) does not resolve \((\w+)\)$/,
    (m, t) => t('notifications.admin.failures.dns', { host: m[1], code: m[2] }),
  ],
  [
    /^reset: (\S+) closed the connection \((\w+)\)$/,
    (m, t) => t('notifications.admin.failures.reset', { host: m[1], code: m[2] }),
  ],
  [
    /^unreachable: no route to (\S+) \((\w+)\)$/,
    (m, t) => t('notifications.admin.failures.unreachable', { host: m[1], code: m[2] }),
  ],
  [
    /^tls: the TLS connection to (\S+) failed \((\w+)\)$/,
    (m, t) => t('notifications.admin.failures.tls', { host: m[1], code: m[2] }),
  ],
  [/^error: could not reach (\S+)/, (m, t) => t('notifications.admin.failures.error', { host: m[1] })],
  [
    /^redirect not followed: HTTP (\d+)$/,
    (m, t) => t('notifications.admin.failures.redirect', { code: m[1] }),
  ],
  [/^HTTP (\d+)$/, (m, t) => t('notifications.admin.failures.httpStatus', { code: m[1] })],
  [
    /^the (\w+) robot refused the message: code (\S+)$/,
    (m, t) => t('notifications.admin.failures.robotRefused', { robot: robot(t, m[1]), code: m[2] }),
  ],
  [
    /^the (\w+) robot's reply is not a JSON object \(HTTP (\d+)\)$/,
    (m, t) => t('notifications.admin.failures.badReply', { robot: robot(t, m[1]), code: m[2] }),
  ],
  [/^SMTP is not configured \(SMTP_URL\)$/, (_m, t) => t('notifications.admin.smtpNotConfigured')],
  [/^the endpoint was deleted$/, (_m, t) => t('notifications.admin.failures.endpointDeleted')],
  [/^the endpoint is disabled$/, (_m, t) => t('notifications.admin.failures.endpointDisabled')],
];

/** A delivery's last error (or a test's) in the reader's language; an unknown text as the server wrote it. */
export function deliveryErrorText(t: TFunction, language: string, text: string): string {
  for (const [pattern, render] of FAILURES) {
    const m = pattern.exec(text);
    if (m) return render(m, t, language);
  }
  return text;
}
