/**
 * where to go after sign-in (`/login?next=…`, the deep links of notices): only a path of this
 * site. Not `//host` or `/\host` (browsers read a backslash as a slash, so both name another
 * host), not a control character, not the sign-in page itself; anything else goes home.
 */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('/login')) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/^\/[/\\]|\\|[\u0000-\u001f\u007f]/.test(next)) return '/';
  return next;
}
