import { Webhook } from 'standardwebhooks';

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
 * The Webhook for a configured secret, or an error that names the variable and the expected
 * format (never the value): `new Webhook` accepts any string and decodes it as base64 silently.
 */
export function webhookFor(secret: string, variable: string): Webhook {
  const base64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (
    !/^[A-Za-z0-9+/]+={0,2}$/.test(base64) ||
    base64.length % 4 !== 0 ||
    !between(Buffer.from(base64, 'base64').length, 24, 64)
  ) {
    throw new Error(
      `${variable} must be a Standard Webhooks secret: 'whsec_' followed by base64 of 24 to 64 random bytes ` +
        `(e.g. node -e "console.log('whsec_'+require('crypto').randomBytes(32).toString('base64'))")`,
    );
  }
  return new Webhook(secret);
}

const between = (n: number, min: number, max: number) => n >= min && n <= max;
