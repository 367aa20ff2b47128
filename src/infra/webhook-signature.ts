import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signature of the CS-platform webhook: `X-Onboarding-Signature: sha256=<hex HMAC-SHA256 of the
 * raw request body, keyed with WEBHOOK_SECRET>`. Self-contained (node:crypto only) so that
 * integrators can copy `verifyWebhookSignature` into their receiver.
 */
export const SIGNATURE_HEADER = 'X-Onboarding-Signature';
export const DELIVERY_HEADER = 'X-Onboarding-Delivery';

/** The header value for a body: `sha256=<hex>`. */
export function signWebhookBody(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * True when `header` is the signature of `rawBody` with `secret`. Verify the raw bytes as
 * received, before any JSON parsing (re-serialising changes them). Constant-time comparison,
 * so the answer's timing does not reveal how much of a forged signature was right.
 */
export function verifyWebhookSignature(rawBody: string, header: string, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(signWebhookBody(rawBody, secret), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
