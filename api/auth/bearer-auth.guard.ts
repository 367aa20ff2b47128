import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Principal } from '../../src/domain/principal';
import { API_KEY_MARK, ApiKeyStore } from '../../src/persistence/api-key-store';
import { CHANGE_CHANNELS, type ChangeFeed } from '../../src/persistence/change-listener';
import { CHANGE_FEED } from '../common/change-feed.module';
import { refuse } from '../common/problem-details';
import { type Access, ACCESS_METADATA, OPEN_IN_EMBEDDED_DEFAULT } from './access.decorator';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import type { RequestWithCaller } from './caller';
import { cookieValue, PageSessions, SESSION_COOKIE } from './page-session';
import { TokenVerifier } from './token-verifier';
import { KEY_CACHE_MS, VerifiedKeys } from './verified-keys';

const BEARER = /^Bearer[ ]+([\x21-\x7e]{1,4096})[ ]*$/i;

/**
 * The one gate in front of every route: it reads the route's declared access (`@Allow`,
 * `@Public`, `@SignedRequest`) and, for `@Allow`, authenticates `Authorization: Bearer <key or
 * token>` (401 otherwise) and checks that the principal holds one of the route's roles (403).
 * A route that declares nothing is refused: access is never open by omission.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyStore,
    private readonly tokens: TokenVerifier,
    private readonly sessions: PageSessions,
    @Inject(AUTH_OPTIONS) private readonly opts: AuthOptions,
    @Inject(CHANGE_FEED) changes: ChangeFeed,
  ) {
    this.verified = new VerifiedKeys(opts.keyCacheMs ?? KEY_CACHE_MS);
    // A revocation anywhere (another replica, `npm run api-keys revoke`) reaches this process at once.
    changes.on(CHANGE_CHANNELS.apiKeyChanged, (prefix) => this.verified.forget(prefix));
  }

  private readonly verified: VerifiedKeys;

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, targets);
    if (!access) throw refuse(403, 'AccessNotDeclared', 'this operation declares no access, so nobody may call it');
    if (access.kind === 'public' || access.kind === 'signed') return true;
    if (this.opts.embeddedDefault && this.reflector.getAllAndOverride<boolean>(OPEN_IN_EMBEDDED_DEFAULT, targets))
      return true;

    const req = ctx.switchToHttp().getRequest<RequestWithCaller>();
    const principal =
      access.kind === 'page' ? await this.pageSession(req) : await this.authenticate(req.headers.authorization);
    const actingRoles = principal.roles.filter((r) => access.roles.includes(r));
    if (actingRoles.length === 0) {
      throw refuse(
        403,
        'RoleNotAllowed',
        `this operation needs one of the roles ${access.roles.join(', ')}; ${principal.id} has ${principal.roles.join(', ') || 'none'}`,
      );
    }
    // A CSM acts on their own onboardings only: a CSM key without a CSM id has none.
    if (actingRoles.every((r) => r === 'csm') && !principal.csmId) {
      throw refuse(403, 'CsmIdMissing', `${principal.id} acts as csm but names no CSM id`);
    }
    req.caller = { principal, actingRoles };
    return true;
  }

  /**
   * A page's caller: the key sealed in the session cookie, verified like a bearer key. A form post
   * must also come from this origin and carry the session's CSRF token.
   */
  private async pageSession(req: RequestWithCaller): Promise<Principal> {
    const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const session = this.sessions.open(cookie);
    if (!cookie || !session) throw refuse(401, 'SignInRequired', 'sign in to see this page');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `${req.protocol}://${req.headers.host}`)
        throw refuse(403, 'CrossSiteForm', 'this form was sent from another site');
      if (!this.sessions.csrfValid(cookie, (req.body as Record<string, unknown> | undefined)?._csrf))
        throw refuse(403, 'CsrfTokenInvalid', 'this form is out of date: open the page again and resend it');
    }
    req.csrfToken = this.sessions.csrfToken(cookie);
    return this.authenticate(`Bearer ${session.key}`);
  }

  private async authenticate(header: string | undefined): Promise<Principal> {
    if (!header) throw refuse(401, 'Unauthenticated', 'send Authorization: Bearer <API key or access token>');
    const match = BEARER.exec(header);
    if (!match)
      throw refuse(401, 'Unauthenticated', 'the Authorization header must be "Bearer <API key or access token>"');
    const credential = match[1];
    if (credential.startsWith(API_KEY_MARK)) {
      const cached = this.verified.get(credential);
      if (cached) return cached;
      const mark = this.verified.mark();
      const key = await this.keys.verify(credential);
      if (!key) throw refuse(401, 'Unauthenticated', 'the API key is unknown or revoked');
      const principal: Principal = {
        kind: 'api-key',
        id: key.prefix,
        name: key.name,
        roles: key.roles,
        ...(key.csmId ? { csmId: key.csmId } : {}),
      };
      this.verified.set(credential, principal, mark);
      return principal;
    }
    if (!this.tokens.enabled) throw refuse(401, 'Unauthenticated', 'the credential is not an API key (oo_…)');
    const principal = await this.tokens.verify(credential);
    if (!principal)
      throw refuse(401, 'Unauthenticated', 'the access token does not verify (signature, issuer, audience or expiry)');
    return principal;
  }
}
