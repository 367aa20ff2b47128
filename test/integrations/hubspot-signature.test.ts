import { createHmac } from 'node:crypto';
import {
  hubspotSignedUri,
  signHubSpotRequest,
  verifyHubSpotRequest,
} from '../../src/integrations/crm/hubspot-signature';

const SECRET = 'hubspot-client-secret';
const NOW = 1_764_240_000_000;
const BODY = '{"eventId":"1","properties":{"dealname":"Acme"}}';
const URI = 'https://onboarding.example.com/webhooks/crm/hubspot';

/** HubSpot's recipe written out once more, independently of the module. */
function reference(method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', SECRET).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

const request = (overrides: Partial<Parameters<typeof verifyHubSpotRequest>[1]> = {}) => ({
  method: 'POST',
  uri: URI,
  rawBody: Buffer.from(BODY),
  timestamp: String(NOW),
  signature: reference('POST', URI, BODY, String(NOW)),
  ...overrides,
});

it('accepts base64 HMAC-SHA256 of method + URI + body + timestamp, keyed with the client secret', () => {
  expect(signHubSpotRequest(SECRET, { method: 'POST', uri: URI, rawBody: BODY, timestamp: String(NOW) })).toBe(
    reference('POST', URI, BODY, String(NOW)),
  );
  expect(verifyHubSpotRequest(SECRET, request(), NOW)).toEqual({ ok: true });
  // Up to five minutes old.
  expect(verifyHubSpotRequest(SECRET, request(), NOW + 5 * 60_000)).toEqual({ ok: true });
});

it('refuses a changed body, method, URI or timestamp, another secret, and missing headers', () => {
  const refused = (r: ReturnType<typeof request>, secret = SECRET) => verifyHubSpotRequest(secret, r, NOW).ok;
  expect(refused(request({ rawBody: Buffer.from(BODY.replace('Acme', 'Acne')) }))).toBe(false);
  expect(refused(request({ method: 'PUT' }))).toBe(false);
  expect(refused(request({ uri: `${URI}?x=1` }))).toBe(false);
  expect(refused(request({ timestamp: String(NOW - 1) }))).toBe(false);
  expect(refused(request(), 'another-secret')).toBe(false);
  expect(verifyHubSpotRequest(SECRET, request({ signature: undefined }), NOW)).toEqual({
    ok: false,
    reason: 'the X-HubSpot-Signature-v3 header is missing',
  });
  expect(verifyHubSpotRequest(SECRET, request({ timestamp: undefined }), NOW).ok).toBe(false);
  expect(verifyHubSpotRequest(SECRET, request({ timestamp: 'yesterday' }), NOW).ok).toBe(false);
  expect(verifyHubSpotRequest(SECRET, request({ signature: 'short' }), NOW).ok).toBe(false);
});

it('refuses a timestamp more than five minutes old, or in the future, even when correctly signed', () => {
  expect(verifyHubSpotRequest(SECRET, request(), NOW + 5 * 60_000 + 1)).toEqual({
    ok: false,
    reason: 'the request timestamp is older than five minutes',
  });
  expect(verifyHubSpotRequest(SECRET, request(), NOW - 5 * 60_000 - 1).ok).toBe(false);
});

it('signs the URI with the characters HubSpot decodes decoded', () => {
  expect(hubspotSignedUri('https://x.example/hook?a=b%3Ac%2Fd%40e%2a')).toBe('https://x.example/hook?a=b:c/d@e*');
  // Others stay encoded.
  expect(hubspotSignedUri('https://x.example/hook?q=a%20b')).toBe('https://x.example/hook?q=a%20b');
  const encoded = 'https://x.example/hook?account=a%3Ab';
  const signature = reference('POST', 'https://x.example/hook?account=a:b', BODY, String(NOW));
  expect(verifyHubSpotRequest(SECRET, request({ uri: encoded, signature }), NOW)).toEqual({ ok: true });
});
