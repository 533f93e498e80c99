/**
 * webhook URLs often are credentials — a DingTalk robot's `access_token`, a WeCom robot's
 * `key`, a Feishu robot's hook id in the path. The stored value keeps them (deliveries need them);
 * everything that shows a URL (API answers, audit events, logs) shows it through redactUrl.
 */

export const REDACTED = '***';

/** Query parameters named like a credential: token, access_token, key, secret, sign, password… */
const SECRET_PARAM = /token|key|secret|sign|pass|pwd|auth|credential/i;
/** Feishu and Lark robots: https://open.feishu.cn/open-apis/bot/v2/hook/<hook id>. */
const FEISHU_HOOK = /^(\/open-apis\/bot\/v2\/hook\/)[^/]+/;

const paramName = (raw: string) => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
};

/**
 * The URL with every credential replaced by `***`: a userinfo password, credential-named query
 * parameters, a Feishu hook id. Other parts are kept as written; a URL with nothing to hide is
 * returned unchanged.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Stored URLs were validated; whatever this is, it is not shown.
    return REDACTED;
  }
  let changed = false;
  if (u.password) {
    u.password = REDACTED;
    changed = true;
  }
  const hook = FEISHU_HOOK.exec(u.pathname);
  if (hook) {
    u.pathname = `${hook[1]}${REDACTED}${u.pathname.slice(hook[0].length)}`;
    changed = true;
  }
  if (u.search) {
    const search = u.search.replace(/([?&])([^=&]*)=([^&]*)/g, (whole, sep: string, name: string) => {
      if (!SECRET_PARAM.test(paramName(name))) return whole;
      changed = true;
      return `${sep}${name}=${REDACTED}`;
    });
    u.search = search;
  }
  return changed ? u.toString() : url;
}

/** Whether a URL still carries a redaction mark: it was copied from an answer, not typed in full. */
export const showsRedaction = (url: string) => url.includes(REDACTED) || /%2A%2A%2A/i.test(url);
