import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { PRINCIPAL_ROLES } from '../../src/domain/principal-roles';
import { ApiKeyStore } from '../../src/persistence/api-key-store';
import { PageAllow, PublicPage } from '../auth/access.decorator';
import { AUTH_OPTIONS, type AuthOptions } from '../auth/auth.options';
import { OIDC_CALLBACK_PATH, OidcSignIn } from '../auth/oidc-sign-in';
import {
  cookieValue,
  MAX_COOKIE_LENGTH,
  PageSessions,
  PENDING_SIGN_IN_COOKIE,
  PENDING_SIGN_IN_TTL_MS,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from '../auth/page-session';
import { problemOf } from '../common/problem-of';
import { html } from './html';
import { sendPage } from './layout';
import { PageErrorsFilter } from './page-errors.filter';

export class SignInForm {
  @IsString() @MaxLength(4096) key: string;
  @IsOptional() @IsString() @MaxLength(2000) next?: string;
}

export class SignOutForm {
  @IsOptional() @IsString() @MaxLength(200) _csrf?: string;
}

/** Only our own pages: a `next` elsewhere would make the sign-in an open redirect. */
function safeNext(next: string | undefined): string {
  return next && /^\/pages\/[A-Za-z0-9/_\-.~%?=&]*$/.test(next) && !next.startsWith('//') ? next : '/pages/portfolio';
}

/**
 * Signing in to the pages: the person pastes their API key once, or signs in at the identity
 * provider (OidcSignIn); the server verifies the key or the provider's access token and answers
 * with the page session cookie (it sealed, HttpOnly, SameSite=Strict), so the credential never
 * lives in the page or its JavaScript. The JSON API keeps its bearer header.
 */
@Controller('pages')
@UseFilters(PageErrorsFilter)
export class SignInController {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly sessions: PageSessions,
    private readonly oidc: OidcSignIn,
    @Inject(AUTH_OPTIONS) private readonly opts: AuthOptions,
  ) {}

  @Get('sign-in')
  @PublicPage()
  form(@Query('next') next: string | undefined, @Res() res: Response) {
    this.send(res, 200, safeNext(next));
  }

  @Post('sign-in')
  @PublicPage()
  async signIn(@Body() body: SignInForm, @Req() req: Request, @Res() res: Response) {
    const next = safeNext(body.next);
    // Before a session exists SameSite cannot help: a browser's Origin must be our own.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `${req.protocol}://${req.headers.host}`)
      return this.send(res, 403, next, 'This form was sent from another site.');
    const key = body.key.trim();
    const verified = key ? await this.keys.verify(key) : undefined;
    if (!verified) return this.send(res, 401, next, 'That key is unknown or revoked. Check it and try again.');
    this.setSession(res, this.sessions.seal(key), SESSION_TTL_MS);
    res.redirect(303, next);
  }

  /** Out to the identity provider; what the callback must find again travels in a sealed cookie. */
  @Get('sign-in/oidc')
  @PublicPage()
  async startOidc(@Query('next') next: string | undefined, @Res() res: Response) {
    const { url, pending } = await this.oidc.start(safeNext(next));
    res.cookie(PENDING_SIGN_IN_COOKIE, this.sessions.sealPending(pending), {
      httpOnly: true,
      // Lax, not Strict: the callback is a navigation from the identity provider's site.
      sameSite: 'lax',
      secure: this.opts.secureCookies ?? false,
      path: OIDC_CALLBACK_PATH,
      maxAge: PENDING_SIGN_IN_TTL_MS,
    });
    res.redirect(303, url);
  }

  @Get('sign-in/oidc/callback')
  @PublicPage()
  async oidcCallback(@Query() query: Record<string, string>, @Req() req: Request, @Res() res: Response) {
    const pending = this.sessions.openPending(cookieValue(req.headers.cookie, PENDING_SIGN_IN_COOKIE));
    res.clearCookie(PENDING_SIGN_IN_COOKIE, { path: OIDC_CALLBACK_PATH, httpOnly: true, sameSite: 'lax' });
    if (!pending)
      return this.send(
        res,
        400,
        '/pages/portfolio',
        'That sign-in took too long or began in another browser. Sign in again.',
      );
    let signedIn;
    try {
      signedIn = await this.oidc.finish(query, pending);
    } catch (err) {
      const problem = problemOf(err);
      if (problem?.status !== 401) throw err;
      return this.send(res, 401, pending.next, `${problem.detail}.`);
    }
    const session = this.sessions.seal(signedIn.accessToken, Date.now(), signedIn.ttlMs);
    if (session.length > MAX_COOKIE_LENGTH)
      return this.send(
        res,
        401,
        pending.next,
        'The access token is too large for a browser cookie; sign in with an API key.',
      );
    this.setSession(res, session, Math.min(signedIn.ttlMs, SESSION_TTL_MS));
    // A step of our own before the page: the browser came here from the identity provider's site,
    // and it would not send a SameSite=Strict cookie on a redirect of that navigation.
    sendPage(
      res,
      200,
      { title: 'Signed in', refreshTo: pending.next },
      html`<p><a href="${pending.next}">Continue</a></p>`,
    );
  }
  @Post('sign-out')
  @PageAllow(...PRINCIPAL_ROLES)
  @HttpCode(303)
  signOut(@Body() _body: SignOutForm, @Res() res: Response) {
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
    res.redirect(303, '/pages/sign-in');
  }

  private setSession(res: Response, session: string, maxAge: number) {
    res.cookie(SESSION_COOKIE, session, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.opts.secureCookies ?? false,
      path: '/',
      maxAge,
    });
  }

  private send(res: Response, status: number, next: string, refusal?: string) {
    sendPage(
      res,
      status,
      { title: 'Sign in', notice: refusal ? { kind: 'refused', text: refusal } : undefined },
      html`<section>
        <p>
          Paste your API key (<code>oo_…</code>, from your administrator or <code>npm run api-keys</code>). It is kept
          in an encrypted, HttpOnly cookie for 8 hours, never in the page.
        </p>
        <form method="post" action="/pages/sign-in" class="action">
          <input type="hidden" name="next" value="${next}" />
          <label for="key">API key</label>
          <input id="key" name="key" type="password" autocomplete="off" size="60" required />
          <button type="submit">Sign in</button>
        </form>
        ${
          this.oidc.enabled
            ? html`<p>
                Or
                <a id="sign-in-oidc" href="/pages/sign-in/oidc?next=${encodeURIComponent(next)}"
                  >sign in with your company account</a
                >.
              </p>`
            : ''
        }
      </section>`,
    );
  }
}
