/** The bearer guard's verified-key cache (api/auth/verified-keys.ts): lifetime, revocation by prefix, races. */
import { VerifiedKeys } from '../../api/auth/verified-keys';
import type { Principal } from '../../src/domain/principal';

const principal = (id: string): Principal => ({ kind: 'api-key', id, name: id, roles: ['cs-platform'] });
const KEY_A = 'oo_AAAAAAAA_secret-a';
const KEY_B = 'oo_BBBBBBBB_secret-b';

it('trusts a verified key for its lifetime, then asks again', () => {
  let now = 0;
  const keys = new VerifiedKeys(30_000, () => now);
  keys.set(KEY_A, principal('oo_AAAAAAAA'));
  now = 29_999;
  expect(keys.get(KEY_A)?.id).toBe('oo_AAAAAAAA');
  now = 30_000;
  expect(keys.get(KEY_A)).toBeUndefined();
});

it('forgets a revoked key by its prefix at once, and only that key', () => {
  const keys = new VerifiedKeys();
  keys.set(KEY_A, principal('oo_AAAAAAAA'));
  keys.set(KEY_B, principal('oo_BBBBBBBB'));
  keys.forget('oo_AAAAAAAA');
  expect(keys.get(KEY_A)).toBeUndefined();
  expect(keys.get(KEY_B)?.id).toBe('oo_BBBBBBBB');
});

it('does not keep a verification that raced a revocation: it may have read the row before it', () => {
  const keys = new VerifiedKeys();
  const mark = keys.mark(); // the guard starts verifying
  keys.forget('oo_AAAAAAAA'); // the revocation's notification arrives meanwhile
  keys.set(KEY_A, principal('oo_AAAAAAAA'), mark);
  expect(keys.get(KEY_A)).toBeUndefined();
  keys.set(KEY_A, principal('oo_AAAAAAAA'), keys.mark());
  expect(keys.get(KEY_A)?.id).toBe('oo_AAAAAAAA');
});
