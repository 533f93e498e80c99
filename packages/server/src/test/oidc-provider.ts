import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/**
 * X-4 tests: a real OpenID Provider — `oidc-provider`, the certified Node implementation — in
 * this process on a loopback port. It has a confidential test client that must use PKCE, a second
 * client (a code issued to it must not sign anyone in at ReleaseGate), test accounts with a groups
 * claim, and its own minimal login page: a form of user name and password that a browser fills in
 * (e2e) or a test posts to (HTTP tests). An account marked `mfa` signs in with `amr: ["pwd","otp"]`,
 * as a provider that checked a second factor says.
 */

export interface TestAccount {
  sub: string;
  username: string;
  password: string;
  name: string;
  email: string;
  groups: string[];
  /** The provider "checked a second factor": amr pwd + otp, acr mfa. */
  mfa?: boolean;
}

export const TEST_CLIENT_ID = 'releasegate';
export const TEST_CLIENT_SECRET = 'releasegate-test-client-secret-0123456789';
export const OTHER_CLIENT_ID = 'another-app';
export const OTHER_CLIENT_SECRET = 'another-app-test-client-secret-0123456789';

export interface TestProvider {
  issuer: string;
  provider: Provider;
  accounts: TestAccount[];
  /** The environment that points ReleaseGate at this provider. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function loginPage(uid: string, clientId: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test Identity Provider</title>
<style>body{font-family:sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem 0}input{padding:.5rem}button{padding:.6rem}</style>
</head><body>
<h1>Test Identity Provider</h1>
<p>Sign in to continue to <b>${escapeHtml(clientId)}</b>.</p>
${failed ? '<p role="alert" id="idp-error">Invalid user name or password.</p>' : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
<label for="idp-username">Username</label><input id="idp-username" name="username" required>
<label for="idp-password">Password</label><input id="idp-password" name="password" type="password" required>
<button id="idp-submit" type="submit">Sign in</button>
</form></body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts the provider. `redirectUris` are ReleaseGate's callback addresses (PUBLIC_URL +
 * /api/auth/oidc/callback); `postLogoutRedirectUris` where RP-initiated logout may send back to.
 */
export async function startTestProvider(options: {
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  accounts: TestAccount[];
}): Promise<TestProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { accounts } = options;
  const clientOf = (id: string, secret: string) => ({
    client_id: id,
    client_secret: secret,
    redirect_uris: options.redirectUris,
    post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  // A signing key of its own (RS256), made now: not the library's published development keys.
  const signingKey = {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    kid: 'test-signing-key',
    use: 'sig',
    alg: 'RS256',
  };
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    clients: [clientOf(TEST_CLIENT_ID, TEST_CLIENT_SECRET), clientOf(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET)],
    // PKCE for every client, confidential ones too (S256 is the only method offered).
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: {
      // How the person signed in, in every ID token (as Keycloak and Azure AD send `amr`/`acr`).
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    // A refresh token at every sign-in (as Keycloak gives one), which the re-check spends; a
    // refreshed ID token carries the claims again.
    issueRefreshToken: async (
      _ctx: KoaContextWithOIDC,
      client: { grantTypeAllowed(type: string): boolean },
    ) => client.grantTypeAllowed('refresh_token'),
    // The claims the scopes ask for go into the ID token itself, as Keycloak does.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
    },
    cookies: { keys: ['oidc-test-provider-cookie-key-0123456789'] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: KoaContextWithOIDC, sub: string) => {
      const account = accounts.find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          name: account.name,
          preferred_username: account.username,
          email: account.email,
          groups: account.groups,
        }),
      };
    },
    // A first-party client: the scopes it asks for are granted without a consent screen.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const existing = ctx.oidc.session?.grantIdFor(clientId);
      if (existing) {
        const grant = await ctx.oidc.provider.Grant.find(existing);
        if (grant) return grant;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope('openid profile email groups');
      await grant.save();
      return grant;
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><h1>Provider error</h1><pre>${escapeHtml(JSON.stringify(out))}</pre>`;
    },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const match = /^\/interaction\/([^/?]+)(\/login)?/.exec(req.url ?? '');
    if (!match) return callback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : '';
        if (req.method === 'GET' && !match[2]) {
          res.setHeader('content-type', 'text/html; charset=utf-8');
          res.end(loginPage(details.uid, clientId, false));
          return;
        }
        if (req.method === 'POST' && match[2]) {
          const form = await readForm(req);
          const account = accounts.find(
            (a) => a.username === form.get('username') && a.password === form.get('password'),
          );
          if (!account) {
            res.statusCode = 200;
            res.setHeader('content-type', 'text/html; charset=utf-8');
            res.end(loginPage(details.uid, clientId, true));
            return;
          }
          await provider.interactionFinished(
            req,
            res,
            {
              login: {
                accountId: account.sub,
                amr: account.mfa ? ['pwd', 'otp'] : ['pwd'],
                acr: account.mfa ? 'mfa' : 'pwd',
              },
            },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        res.statusCode = 405;
        res.end();
      } catch (error) {
        res.statusCode = 400;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`interaction failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  });
  return {
    issuer,
    provider,
    accounts,
    env: {
      OIDC_ISSUER: issuer,
      OIDC_CLIENT_ID: TEST_CLIENT_ID,
      OIDC_CLIENT_SECRET: TEST_CLIENT_SECRET,
      OIDC_SCOPES: 'openid profile email groups',
      OIDC_LABEL: 'Test IdP',
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A browser for HTTP tests: a cookie jar per origin, and redirects followed by hand so a test can
 * see (and tamper with) each hop of the sign-in.
 */
export class RedirectBrowser {
  private jars = new Map<string, Map<string, string>>();

  cookies(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  /** One request, no redirect followed; cookies kept. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ status: number; location: string | null; body: string; url: string }> {
    const target = new URL(url);
    const jar = this.cookies(target.origin);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0\b/i.test(line))
        jar.delete(name.trim());
      else jar.set(name.trim(), value);
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      location: location && new URL(location, target).toString(),
      body: await response.text(),
      url: target.toString(),
    };
  }

  /** Follows redirects from `url` until an answer that is not one, or until `stop` says so. */
  async follow(
    url: string,
    stop: (url: URL) => boolean = () => false,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ status: number; location: string | null; body: string; url: string }> {
    let answer = await this.request(url, init);
    for (let hops = 0; answer.location && hops < 20; hops++) {
      if (stop(new URL(answer.location))) return answer;
      answer = await this.request(answer.location);
    }
    return answer;
  }
}
