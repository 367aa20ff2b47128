/**
 * The tracker link's token and its settings: a signature over the onboarding, generation and
 * expiry; the page secrets kept in DATA_DIR when not set. (Generations and revocation against
 * PostgreSQL, and the pages, are tested in the browser: test/pages/tracker.test.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSettings } from '../../src/config/settings';
import { loggedPath } from '../../src/infra/request-logging';
import { PAGE_SECRETS_FILE, pageSecrets } from '../../src/infra/page-secrets';
import { checkTrackerLink, signTrackerLink } from '../../src/tracker/tracker-link-token';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const now = new Date('2027-01-10T00:00:00Z');
const claims = { onboardingId: 'onboarding-acme', generation: 3, expiresAt: new Date('2027-04-10T00:00:00Z') };

describe('the tracker link token', () => {
  it('carries the onboarding, generation and expiry under its signature', () => {
    const token = signTrackerLink(SECRET, claims);
    expect(checkTrackerLink(SECRET, token, now)).toEqual({ ok: true, claims });
  });

  it('is refused when any part is altered, or signed with another secret', () => {
    const token = signTrackerLink(SECRET, claims);
    const [id, generation, expiry, mac] = token.split('.');
    const other = Buffer.from('onboarding-other').toString('base64url');
    for (const altered of [
      [other, generation, expiry, mac],
      [id, '4', expiry, mac],
      [id, generation, String(Number(expiry) + 86_400), mac],
      [id, generation, expiry, mac.slice(0, -2) + (mac.endsWith('AA') ? 'BB' : 'AA')],
    ])
      expect(checkTrackerLink(SECRET, altered.join('.'), now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(checkTrackerLink('another-secret-of-thirty-two-characters!', token, now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('is refused once expired, and when malformed', () => {
    const token = signTrackerLink(SECRET, claims);
    expect(checkTrackerLink(SECRET, token, claims.expiresAt)).toEqual({ ok: false, reason: 'expired' });
    for (const bad of ['', 'abc', 'a.b.c.d', `${'x'.repeat(700)}`, token.replace(/\.\d+\./, '.x.')])
      expect(checkTrackerLink(SECRET, bad, now).ok).toBe(false);
  });
});

describe('page settings', () => {
  it('default to the local API, 90 days and secrets kept in DATA_DIR', () => {
    const s = loadSettings({});
    expect(s.pages).toEqual({
      publicBaseUrl: 'http://127.0.0.1:3000',
      trackerLinkTtlDays: 90,
      trackerLinkSecret: undefined,
      sessionSecret: undefined,
    });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'page-secrets-'));
    const first = pageSecrets({ ...s, dataDir });
    expect(first.trackerLinkSecret).not.toEqual(first.sessionSecret);
    expect(pageSecrets({ ...s, dataDir })).toEqual(first); // kept: links survive a restart
    expect(fs.statSync(path.join(dataDir, PAGE_SECRETS_FILE)).mode & 0o777).toBe(0o600);
    fs.rmSync(dataDir, { recursive: true });
  });

  it('take the environment, and refuse a short secret', () => {
    const s = loadSettings({
      PUBLIC_BASE_URL: 'https://onboarding.example.com/',
      TRACKER_LINK_TTL_DAYS: '30',
      TRACKER_LINK_SECRET: SECRET,
      SESSION_SECRET: `${SECRET}-session`,
    });
    expect(s.pages).toEqual({
      publicBaseUrl: 'https://onboarding.example.com',
      trackerLinkTtlDays: 30,
      trackerLinkSecret: SECRET,
      sessionSecret: `${SECRET}-session`,
    });
    expect(pageSecrets({ ...s, dataDir: '/nonexistent' })).toEqual({
      trackerLinkSecret: SECRET,
      sessionSecret: `${SECRET}-session`,
    });
    expect(() => loadSettings({ TRACKER_LINK_SECRET: 'short' })).toThrow(/TRACKER_LINK_SECRET must be at least 32/);
    expect(() => loadSettings({ PUBLIC_BASE_URL: 'ftp://x' })).toThrow(/PUBLIC_BASE_URL must be a URL/);
  });
});

it('never logs a tracker link token', () => {
  const token = signTrackerLink(SECRET, claims);
  expect(loggedPath(`/tracker/${token}`)).toBe('/tracker/[link]');
  expect(loggedPath(`/tracker/${token}/satisfaction?x=1`)).toBe('/tracker/[link]/satisfaction');
  expect(loggedPath('/onboardings/onboarding-acme?csm=x')).toBe('/onboardings/onboarding-acme');
});
