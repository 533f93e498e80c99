/**
 * Issue #18: the first data a page needs, asked for while the app's code is still downloading and
 * compiling. index.html loads this tiny module (no imports, so it runs as soon as it arrives) before
 * the app; it starts the session request and, on 我的待办 or a release's page, that page's first
 * data requests, and leaves the pending responses on `window.__releasegateEarly`. The app's API
 * client (api/client.ts) takes a response from there instead of asking again — once, and only for
 * a GET of exactly the same URL — so the answers arrive in parallel with the code instead of one
 * round trip after another once it has run. Nothing here reads or stores an answer.
 */
const early = new Map<string, Promise<Response>>();

function ask(path: string): void {
  const url = new URL(path, window.location.origin).href;
  early.set(url, fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }));
}

const segment = (s: string) => encodeURIComponent(decodeURIComponent(s));

try {
  const { pathname, search } = window.location;
  ask('/api/auth/session');
  if (pathname === '/') ask('/api/me/tasks');
  const release = /^\/releases\/([^/]+)\/?$/.exec(pathname);
  if (release && release[1] !== 'new') {
    const base = `/api/releases/${segment(release[1])}`;
    ask(base);
    if (new URLSearchParams(search).get('tab') === 'rollback')
      for (const part of ['rollback', 'progress', 'monitoring']) ask(`${base}/${part}`);
  }
} catch {
  // A malformed address: the app asks for what it needs itself.
}

(window as unknown as { __releasegateEarly?: Map<string, Promise<Response>> }).__releasegateEarly = early;
