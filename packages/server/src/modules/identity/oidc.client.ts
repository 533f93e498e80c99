import * as oidc from 'openid-client';
import type { OidcSettings } from '../../config.directory';

/**
 * X-4: the OpenID Provider, through `openid-client` (authorization code flow with PKCE S256,
 * state and nonce; the ID token's signature, issuer, audience, nonce and expiry checked by the
 * library). Only protocol here, no database: the services decide what an answer means.
 */

/** The provider did not answer (down, discovery failed, timed out): not the user's fault. */
export class ProviderUnavailable extends Error {
  constructor(override readonly cause: unknown) {
    super(`The OpenID Provider does not answer: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ProviderUnavailable';
  }
}

/**
 * The provider answered, and the answer does not sign anyone in: an error in the callback
 * (`access_denied` …), a code the token endpoint refused (replayed, another client's, wrong PKCE
 * verifier), or an ID token that does not hold (another audience or nonce, expired, bad signature).
 */
export class ProviderRefused extends Error {
  constructor(
    readonly reason: 'provider_error' | 'code_rejected' | 'id_token_invalid',
    readonly detail: string,
  ) {
    super(`The OpenID Provider's answer was refused (${reason}): ${detail}`);
    this.name = 'ProviderRefused';
  }
}

/** What a validated ID token (and, for claims it leaves out, the userinfo endpoint) says. */
export interface ProviderAnswer {
  claims: Record<string, unknown>;
  /** The raw ID token, kept for RP-initiated logout's `id_token_hint`. */
  idToken: string;
  /** A refresh token, when the provider gives one: the re-check spends it. */
  refreshToken: string | null;
}

/** What a sign-in sent to the provider must be checked against when it comes back. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

const TIMEOUT_SECONDS = 10;

const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** The errors that mean "nobody answered", as opposed to an answer we refuse. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof oidc.ResponseBodyError) return error.status >= 500;
  if (error instanceof oidc.AuthorizationResponseError) return false;
  if (error instanceof oidc.ClientError) {
    // A discovery or JWKS request that did not get a usable answer.
    return [
      'OAUTH_RESPONSE_IS_NOT_CONFORM',
      'OAUTH_RESPONSE_IS_NOT_JSON',
      'OAUTH_HTTP_REQUEST_FORBIDDEN',
    ].includes(error.code ?? '')
      ? true
      : error.cause instanceof Error && isNetwork(error.cause);
  }
  return isNetwork(error);
}

const isNetwork = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'AbortError' ||
    error.name === 'TimeoutError' ||
    (error instanceof TypeError && /fetch failed/i.test(error.message)));

export class OidcClient {
  private config: Promise<oidc.Configuration> | null = null;

  constructor(private readonly settings: OidcSettings) {}

  /** Discovery, once; a failed one is tried again at the next sign-in. */
  private configuration(): Promise<oidc.Configuration> {
    this.config ??= this.discover().catch((error: unknown) => {
      this.config = null;
      throw new ProviderUnavailable(error);
    });
    return this.config;
  }

  private async discover(): Promise<oidc.Configuration> {
    const { issuer: issuerText, clientId, clientSecret } = this.settings;
    const issuer = new URL(issuerText);
    // Plain http only to a provider on this machine (tests, a local gateway); anything else
    // must be https, which openid-client enforces.
    const insecure = issuer.protocol === 'http:' && isLoopback(issuer);
    const found = await oidc.discovery(issuer, clientId, undefined, oidc.None(), {
      timeout: TIMEOUT_SECONDS,
      ...(insecure && { execute: [oidc.allowInsecureRequests] }),
    });
    const metadata = found.serverMetadata();
    const methods = metadata.token_endpoint_auth_methods_supported;
    // The secret in the Authorization header, unless the provider takes it only in the body.
    const auth = !clientSecret
      ? oidc.None()
      : methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')
        ? oidc.ClientSecretPost(clientSecret)
        : oidc.ClientSecretBasic(clientSecret);
    const config = new oidc.Configuration(metadata, clientId, undefined, auth);
    config.timeout = TIMEOUT_SECONDS;
    if (insecure) oidc.allowInsecureRequests(config);
    return config;
  }

  /** A new sign-in: fresh state, nonce and PKCE verifier, and the provider's URL to send the browser to. */
  async start(redirectUri: string): Promise<{ url: URL; checks: AuthorizationChecks }> {
    const config = await this.configuration();
    const checks = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: this.settings.scopes,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, checks };
  }

  /**
   * The browser came back with `callbackUrl`: the code exchanged with the PKCE verifier, the ID
   * token validated against the issuer, this client, the nonce and the clock. Claims the ID token
   * leaves out (many providers put groups only in userinfo) are read from the userinfo endpoint.
   */
  async finish(callbackUrl: URL, redirectUri: string, checks: AuthorizationChecks): Promise<ProviderAnswer> {
    const config = await this.configuration();
    // openid-client compares the callback's address with the redirect URI it was sent to.
    const current = new URL(redirectUri);
    current.search = callbackUrl.search;
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw this.classify(error);
    }
    const idToken = tokens.id_token;
    const idClaims = tokens.claims();
    if (!idToken || !idClaims) throw new ProviderRefused('id_token_invalid', 'no ID token');
    const claims: Record<string, unknown> = { ...idClaims };
    const missing = [this.settings.usernameClaim, this.settings.groupsClaim].some(
      (c) => claims[c] === undefined,
    );
    if (missing && config.serverMetadata().userinfo_endpoint) {
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        for (const [name, value] of Object.entries(info)) claims[name] ??= value;
      } catch (error) {
        throw this.classify(error);
      }
    }
    return { claims, idToken, refreshToken: tokens.refresh_token ?? null };
  }

  /**
   * The re-check: a refresh token spent. `refused` when the provider no longer issues tokens for
   * the person (removed, disabled, their sessions revoked: invalid_grant); otherwise the claims of
   * the new ID token (or userinfo) and the next refresh token (providers rotate them).
   */
  async refresh(
    refreshToken: string,
  ): Promise<'refused' | { claims: Record<string, unknown>; refreshToken: string }> {
    const config = await this.configuration();
    let tokens: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
    try {
      tokens = await oidc.refreshTokenGrant(config, refreshToken);
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError && error.status < 500) return 'refused';
      throw isUnavailable(error) ? new ProviderUnavailable(error) : error;
    }
    const claims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
    if (claims[this.settings.groupsClaim] === undefined && config.serverMetadata().userinfo_endpoint) {
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck);
        for (const [name, value] of Object.entries(info)) claims[name] ??= value;
      } catch (error) {
        if (isUnavailable(error)) throw new ProviderUnavailable(error);
      }
    }
    return { claims, refreshToken: tokens.refresh_token ?? refreshToken };
  }

  /** RP-initiated logout: where to send the browser, when the provider offers it. */
  async endSessionUrl(idToken: string, postLogoutRedirectUri: string): Promise<string | null> {
    let config: oidc.Configuration;
    try {
      config = await this.configuration();
    } catch {
      return null; // our session ends anyway; the provider's will when it answers again
    }
    if (!config.serverMetadata().end_session_endpoint) return null;
    return oidc
      .buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri })
      .toString();
  }

  private classify(error: unknown): Error {
    if (error instanceof ProviderUnavailable || error instanceof ProviderRefused) return error;
    if (isUnavailable(error)) return new ProviderUnavailable(error);
    if (error instanceof oidc.AuthorizationResponseError) {
      return new ProviderRefused(
        'provider_error',
        `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`,
      );
    }
    if (error instanceof oidc.ResponseBodyError) {
      return new ProviderRefused(
        'code_rejected',
        `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`,
      );
    }
    if (error instanceof oidc.ClientError) {
      // What did not hold (the nonce, the audience …) is said by the cause.
      const cause =
        error.cause instanceof Error && error.cause.message !== error.message
          ? `: ${error.cause.message}`
          : '';
      return new ProviderRefused('id_token_invalid', `${error.code ?? ''} ${error.message}${cause}`.trim());
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}
