/**
 * Signing in to the pages through the organisation's identity provider, in a real browser: the
 * authorization code flow with PKCE against a small OpenID provider on this machine; the person
 * lands on the page they asked for as the principal of the provider's access token (roles and CSM
 * id from its claims). Refusals in plain words: the provider says no, a token for another API, a
 * callback without the sign-in that began it or with another state.
 */
import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { freePort } from '../../src/infra/free-port';
import { type ApiHarness, startApiHarness } from '../support/api-harness';
import { launchBrowser } from '../support/browser';
import { startTestIdentityProvider, type TestIdentityProvider } from '../support/test-identity-provider';

const AUDIENCE = 'onboarding-orchestrator';

let h: ApiHarness;
let idp: TestIdentityProvider;
let app: INestApplication;
let browser: Browser;
let base: string;

beforeAll(async () => {
  h = await startApiHarness();
  idp = await startTestIdentityProvider({ audience: AUDIENCE });
  // The redirect URI is under the public URL, so the API listens where that URL says.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = await h.replica({
    auth: {
      embeddedDefault: false,
      oidc: {
        issuer: idp.issuer,
        audience: AUDIENCE,
        jwksUrl: idp.jwksUrl,
        rolesClaim: 'roles',
        csmClaim: 'csm_id',
        nameClaim: 'name',
        signIn: {
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          scopes: 'openid profile',
          authorizeParams: { audience: AUDIENCE },
        },
      },
    },
    pages: { ...h.pages, trackerLinks: { ...h.pages.trackerLinks, publicBaseUrl: base } },
  });
  await app.listen(port, '127.0.0.1');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await h?.close();
});

async function signInThroughProvider(next: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}${next}`);
  await page.waitForURL(/\/pages\/sign-in/);
  await page.click('#sign-in-oidc');
  return { context, page };
}

describe('signing in through the identity provider', () => {
  it('lands a lead on the page asked for, as the principal of the access token, with a PKCE flow', async () => {
    idp.next({ sub: 'lee@bank.example', claims: { roles: ['cs-lead'], name: 'Lee Lead' } });
    const { context, page } = await signInThroughProvider('/pages/portfolio');
    await page.waitForURL(`${base}/pages/portfolio`);
    await expect(page.locator('h1').textContent()).resolves.toBe("CSMs' portfolios");
    await expect(page.locator('.who').textContent()).resolves.toContain('Lee Lead');

    const asked = idp.authorizations.at(-1)!;
    expect(asked.get('response_type')).toBe('code');
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(asked.get('state')).toBeTruthy();
    expect(asked.get('nonce')).toBeTruthy();
    expect(asked.get('redirect_uri')).toBe(`${base}/pages/sign-in/oidc/callback`);
    expect(asked.get('audience')).toBe(AUDIENCE);

    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'oo_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // The sign-in under way is over: its cookie is gone.
    expect(cookies.find((c) => c.name === 'oo_sign_in')).toBeUndefined();
    await context.close();
  });

  it("confines a CSM to their own portfolio by the token's CSM id", async () => {
    idp.next({ sub: 'ana@bank.example', claims: { roles: 'csm', csm_id: 'csm-test-ana', name: 'Ana Lopez' } });
    const { context, page } = await signInThroughProvider('/pages/portfolio');
    await page.waitForURL(`${base}/pages/portfolio`);
    await expect(page.locator('h1').textContent()).resolves.toBe('My portfolio');
    await context.close();
  });

  it('says no in plain words when the provider refuses, or its token is for another API', async () => {
    idp.next({ refuse: 'the user cancelled' });
    const refused = await signInThroughProvider('/pages/portfolio');
    await refused.page.waitForURL(/\/pages\/sign-in\/oidc\/callback/);
    await expect(refused.page.locator('.notice').textContent()).resolves.toContain(
      'the identity provider refused the sign-in: the user cancelled',
    );
    expect((await refused.context.cookies()).find((c) => c.name === 'oo_session')).toBeUndefined();
    await refused.context.close();

    idp.next({ sub: 'lee@bank.example', claims: { roles: ['cs-lead'] } });
    idp.audienceOfNextToken('another-api');
    const foreign = await signInThroughProvider('/pages/portfolio');
    await foreign.page.waitForURL(/\/pages\/sign-in\/oidc\/callback/);
    await expect(foreign.page.locator('.notice').textContent()).resolves.toContain(
      `its access token is not one for this API (audience ${AUDIENCE})`,
    );
    expect((await foreign.context.cookies()).find((c) => c.name === 'oo_session')).toBeUndefined();
    await foreign.context.close();
  });

  it('refuses a callback that no sign-in of this browser began, or that carries another state', async () => {
    const stray = await request(app.getHttpServer()).get('/pages/sign-in/oidc/callback?code=x&state=y').expect(400);
    expect(stray.text).toContain('took too long or began in another browser');

    // A sign-in begun here, answered with another sign-in's state (a forged or crossed callback).
    idp.next({ sub: 'lee@bank.example', claims: { roles: ['cs-lead'] } });
    const agent = request.agent(app.getHttpServer());
    const out = await agent.get('/pages/sign-in/oidc?next=/pages/portfolio').expect(303);
    const authorize = new URL(out.headers.location);
    const back = await request(idp.issuer).get(`${authorize.pathname}${authorize.search}`).expect(302);
    const callback = new URL(back.headers.location);
    callback.searchParams.set('state', 'not-the-state-sent');
    const crossed = await agent.get(`${callback.pathname}${callback.search}`).expect(401);
    expect(crossed.text).toContain('the sign-in could not be completed; start it again');
    expect(crossed.text).not.toContain('not-the-state-sent');
    expect(String(crossed.headers['set-cookie'] ?? '')).not.toContain('oo_session=');
  });

  it('goes back only to a page of ours, whatever `next` the sign-in was started with', async () => {
    idp.next({ sub: 'lee@bank.example', claims: { roles: ['cs-lead'] } });
    const agent = request.agent(app.getHttpServer());
    const out = await agent.get(`/pages/sign-in/oidc?next=${encodeURIComponent('https://evil.example/x')}`).expect(303);
    const authorize = new URL(out.headers.location);
    const back = await request(idp.issuer).get(`${authorize.pathname}${authorize.search}`).expect(302);
    const callback = new URL(back.headers.location);
    const landed = await agent.get(`${callback.pathname}${callback.search}`).expect(200);
    expect(landed.text).toContain('content="0;url=/pages/portfolio"');
    expect(landed.text).not.toContain('evil.example');
  });

  it('offers no provider where none is configured', async () => {
    const form = await request(h.http).get('/pages/sign-in').expect(200);
    expect(form.text).not.toContain('sign-in-oidc');
    await request(h.http).get('/pages/sign-in/oidc').expect(404);
  });
});
