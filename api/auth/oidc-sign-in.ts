import { Inject, Injectable, Logger } from '@nestjs/common';
import { type BaseClient, custom, errors, generators, Issuer } from 'openid-client';
import { refuse } from '../common/problem-details';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import type { PendingSignIn } from './page-session';
import { CLOCK_TOLERANCE_SECONDS, TokenVerifier } from './token-verifier';

export const OIDC_CALLBACK_PATH = '/pages/sign-in/oidc/callback';

/** What a finished sign-in gives the session: the access token, verified for this API, and how long it lasts. */
export interface SignedIn {
  accessToken: string;
  ttlMs: number;
}

/**
 * People sign in to the pages through the OIDC issuer: the authorization code flow with PKCE,
 * state and nonce, by `openid-client` (discovery, the authorization URL, the code exchange and the
 * ID token's checks). The access token it returns must verify as a bearer token for this API
 * (issuer, audience, roles from their claims); the session then carries it, so a page's caller is
 * the same principal a bearer call with that token would be.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('OidcSignIn');
  private client?: Promise<BaseClient>;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly opts: AuthOptions,
    private readonly tokens: TokenVerifier,
  ) {}

  get enabled(): boolean {
    return this.opts.oidc?.signIn !== undefined && this.tokens.enabled;
  }

  /** Where to send the browser, and what the callback must find again. */
  async start(next: string): Promise<{ url: string; pending: Omit<PendingSignIn, 'kind' | 'expiresAt'> }> {
    const client = await this.discovered();
    const codeVerifier = generators.codeVerifier();
    const pending = { state: generators.state(), nonce: generators.nonce(), codeVerifier, next };
    const url = client.authorizationUrl({
      ...this.opts.oidc!.signIn!.authorizeParams,
      scope: this.opts.oidc!.signIn!.scopes,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: generators.codeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, pending };
  }

  /** The callback: the code exchanged, the ID token checked, the access token verified for this API. */
  async finish(query: Record<string, unknown>, pending: PendingSignIn, now = Date.now()): Promise<SignedIn> {
    const client = await this.discovered();
    const params = client.callbackParams(
      `${OIDC_CALLBACK_PATH}?${new URLSearchParams(query as Record<string, string>)}`,
    );
    let accessToken: string | undefined;
    let expiresAt: number | undefined;
    try {
      const tokenSet = await client.callback(this.redirectUri(), params, {
        state: pending.state,
        nonce: pending.nonce,
        code_verifier: pending.codeVerifier,
        response_type: 'code',
      });
      accessToken = tokenSet.access_token;
      expiresAt = tokenSet.expires_at;
    } catch (err) {
      if (err instanceof errors.OPError)
        throw refuse(
          401,
          'SignInRefused',
          `the identity provider refused the sign-in: ${err.error_description ?? err.error}`,
        );
      if (err instanceof errors.RPError) {
        // Which check failed (state, nonce, issuer, audience, signature) is for the operator's
        // log; the page says it plainly, without the values a forger would like to read.
        this.logger.warn({ check: err.message }, 'an OIDC sign-in callback did not check out');
        throw refuse(401, 'SignInRefused', 'the sign-in could not be completed; start it again');
      }
      throw err;
    }
    const principal = accessToken ? await this.tokens.verify(accessToken) : undefined;
    if (!accessToken || !principal)
      throw refuse(
        401,
        'SignInRefused',
        `you signed in at the identity provider, but its access token is not one for this API (audience ${this.opts.oidc!.audience})`,
      );
    const ttlMs = expiresAt ? expiresAt * 1000 - now : Number.POSITIVE_INFINITY;
    if (ttlMs <= 0) throw refuse(401, 'SignInRefused', 'the identity provider gave an access token that has expired');
    return { accessToken, ttlMs };
  }

  private redirectUri(): string {
    return `${(this.opts.publicBaseUrl ?? '').replace(/\/$/, '')}${OIDC_CALLBACK_PATH}`;
  }

  /** The issuer's metadata, fetched once (again after a failure, e.g. the issuer was down at the first sign-in). */
  private discovered(): Promise<BaseClient> {
    const oidc = this.opts.oidc;
    if (!oidc?.signIn) throw refuse(404, 'NotFound', 'signing in through an identity provider is not configured');
    this.client ??= Issuer.discover(oidc.issuer).then(
      (issuer) => {
        const client = new issuer.Client({
          client_id: oidc.signIn!.clientId,
          ...(oidc.signIn!.clientSecret
            ? { client_secret: oidc.signIn!.clientSecret }
            : { token_endpoint_auth_method: 'none' as const }),
          redirect_uris: [this.redirectUri()],
          response_types: ['code'],
        });
        client[custom.clock_tolerance] = CLOCK_TOLERANCE_SECONDS;
        return client;
      },
      (err: unknown) => {
        this.client = undefined;
        throw refuse(
          503,
          'IdentityProviderUnavailable',
          `the identity provider cannot be reached: ${(err as Error).message}`,
        );
      },
    );
    return this.client;
  }
}
