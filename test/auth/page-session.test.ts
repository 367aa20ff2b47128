import { PageSessions, SESSION_TTL_MS } from '../../api/auth/page-session';

const sessions = new PageSessions('a test secret of the page sessions');
const KEY = 'oo_Abcdefgh_0123456789012345678901234567890123456789012';

it('opens what it sealed, until the session expires', () => {
  const cookie = sessions.seal(KEY, 1_000);
  expect(sessions.open(cookie, 2_000)).toEqual({ kind: 'session', key: KEY, expiresAt: 1_000 + SESSION_TTL_MS });
  expect(sessions.open(cookie, 1_000 + SESSION_TTL_MS)).toBeUndefined();
  expect(cookie).not.toContain(KEY.slice(3, 11));
});

it("keeps an identity provider's session no longer than its token, and never longer than a working day", () => {
  expect(sessions.open(sessions.seal('a.token', 0, 60_000), 59_999)?.expiresAt).toBe(60_000);
  expect(sessions.open(sessions.seal('a.token', 0, 60_000), 60_000)).toBeUndefined();
  expect(sessions.open(sessions.seal('a.token', 0, Number.POSITIVE_INFINITY), 0)?.expiresAt).toBe(SESSION_TTL_MS);
});

it('tells a session from a sign-in under way, though both are sealed alike', () => {
  const pending = sessions.sealPending({ state: 's', nonce: 'n', codeVerifier: 'v', next: '/pages/portfolio' }, 0);
  expect(sessions.open(pending, 1)).toBeUndefined();
  expect(sessions.openPending(pending, 1)).toMatchObject({
    kind: 'oidc-pending',
    state: 's',
    next: '/pages/portfolio',
  });
  expect(sessions.openPending(sessions.seal(KEY, 0), 1)).toBeUndefined();
  // Ten minutes to sign in at the provider.
  expect(sessions.openPending(pending, 10 * 60_000)).toBeUndefined();
});

it('refuses a cookie altered anywhere, sealed under another secret, or with a shortened tag', () => {
  const cookie = sessions.seal(KEY);
  const [iv, sealed, tag] = cookie.split('.');
  const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  for (const altered of [
    [flip(iv), sealed, tag],
    [iv, flip(sealed), tag],
    [iv, sealed, flip(tag)],
    // GCM would accept a 4-byte tag unless its length is fixed: a forger's shortcut.
    [iv, sealed, Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url')],
  ])
    expect(sessions.open(altered.join('.'))).toBeUndefined();
  expect(new PageSessions('another secret').open(cookie)).toBeUndefined();
  expect(sessions.open('not.a.cookie')).toBeUndefined();
});

it("accepts a form's CSRF token only with the session it was made for", () => {
  const one = sessions.seal(KEY);
  const other = sessions.seal(KEY);
  expect(sessions.csrfValid(one, sessions.csrfToken(one))).toBe(true);
  expect(sessions.csrfValid(one, sessions.csrfToken(other))).toBe(false);
  expect(sessions.csrfValid(one, undefined)).toBe(false);
});
