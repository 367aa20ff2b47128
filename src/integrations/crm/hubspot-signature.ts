import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HubSpot's v3 request signature (developers.hubspot.com, "Validating requests"):
 * `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(app client secret, method + URI + body + timestamp)),
 * where the URI is the full URL HubSpot called (protocol, host, path and query) and the timestamp
 * is `X-HubSpot-Request-Timestamp`, in milliseconds. Requests older than five minutes are refused,
 * which bounds how long a captured request can be replayed. node:crypto only: HubSpot publishes no
 * Node helper for this.
 */
export const HUBSPOT_SIGNATURE_HEADER = 'X-HubSpot-Signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'X-HubSpot-Request-Timestamp';
export const HUBSPOT_TOLERANCE_MS = 5 * 60_000;

/** HubSpot signs the URI with these characters decoded; decoding them here gives the string it signed. */
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function hubspotSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()]);
}

export interface HubSpotRequest {
  method: string;
  /** The full URL HubSpot posted to, as it was configured there. */
  uri: string;
  rawBody: Buffer | string;
  /** X-HubSpot-Signature-v3 */
  signature: string | undefined;
  /** X-HubSpot-Request-Timestamp */
  timestamp: string | undefined;
}

export type HubSpotVerdict = { ok: true } | { ok: false; reason: string };

/** The signature a request carries when it comes from HubSpot (for tests and example requests). */
export function signHubSpotRequest(
  clientSecret: string,
  req: Pick<HubSpotRequest, 'method' | 'uri' | 'rawBody'> & { timestamp: string },
): string {
  const body = Buffer.isBuffer(req.rawBody) ? req.rawBody : Buffer.from(req.rawBody, 'utf8');
  return createHmac('sha256', clientSecret)
    .update(Buffer.from(`${req.method.toUpperCase()}${hubspotSignedUri(req.uri)}`, 'utf8'))
    .update(body)
    .update(Buffer.from(req.timestamp, 'utf8'))
    .digest('base64');
}

/**
 * Whether a request is HubSpot's, and recent. Timestamps more than the tolerance in the future are
 * refused as well: a clock that far off is not HubSpot's. The comparison is constant-time.
 */
export function verifyHubSpotRequest(clientSecret: string, req: HubSpotRequest, now = Date.now()): HubSpotVerdict {
  if (!req.signature) return { ok: false, reason: `the ${HUBSPOT_SIGNATURE_HEADER} header is missing` };
  if (!req.timestamp) return { ok: false, reason: `the ${HUBSPOT_TIMESTAMP_HEADER} header is missing` };
  if (!/^\d{1,15}$/.test(req.timestamp))
    return { ok: false, reason: `${HUBSPOT_TIMESTAMP_HEADER} must be milliseconds since the epoch` };
  const age = now - Number(req.timestamp);
  if (age > HUBSPOT_TOLERANCE_MS) return { ok: false, reason: 'the request timestamp is older than five minutes' };
  if (age < -HUBSPOT_TOLERANCE_MS)
    return { ok: false, reason: 'the request timestamp is more than five minutes in the future' };
  const expected = Buffer.from(signHubSpotRequest(clientSecret, { ...req, timestamp: req.timestamp }), 'utf8');
  const given = Buffer.from(req.signature.trim(), 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'the signature does not match the request' };
  return { ok: true };
}
