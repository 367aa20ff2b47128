import type { Webhook } from 'standardwebhooks';

/**
 * Signing per the Standard Webhooks specification (https://www.standardwebhooks.com), by its
 * reference package: `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`,
 * keyed with the secret's bytes (`whsec_<base64>`). Receivers verify with the same package
 * (`new Webhook(secret).verify(rawBody, headers)`) or any of its ports.
 */
export function standardWebhookHeaders(
  webhook: Webhook,
  msgId: string,
  at: Date,
  body: string,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': webhook.sign(msgId, at, body),
  };
}

/** A new secret: 32 random bytes, `whsec_` + base64, the format the specification names. */
export function newWebhookSecret(): string {
  return `whsec_${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;
}

/**
 * Why a secret is not a Standard Webhooks secret ('whsec_' + base64 of 24 to 64 bytes), or
 * undefined when it is. Never quotes the value. `new Webhook` accepts any text and decodes it
 * as base64 silently, so a wrong secret would sign with bytes nobody can verify.
 */
export function webhookSecretProblem(secret: string): string | undefined {
  const base64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : '';
  const bytes =
    /^[A-Za-z0-9+/]+={0,2}$/.test(base64) && base64.length % 4 === 0 ? Buffer.from(base64, 'base64') : undefined;
  if (bytes && bytes.length >= 24 && bytes.length <= 64) return undefined;
  return (
    "must be a Standard Webhooks secret: 'whsec_' followed by the base64 of 24 to 64 random bytes " +
    `(make one with: node -e "console.log('whsec_'+require('crypto').randomBytes(32).toString('base64'))")`
  );
}
