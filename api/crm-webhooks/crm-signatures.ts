import type { RawBodyRequest } from '@nestjs/common';
import type { DocumentBuilder } from '@nestjs/swagger';
import type { Request } from 'express';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import {
  HUBSPOT_SIGNATURE_HEADER,
  HUBSPOT_TIMESTAMP_HEADER,
  verifyHubSpotRequest,
} from '../../src/integrations/crm/hubspot-signature';
import { ProblemException } from '../common/problem-details';

/** The OpenAPI security schemes of the CRM webhooks (named by `@SignedRequest`). */
export const HUBSPOT_SCHEME = 'hubspot-signature-v3';
export const STANDARD_WEBHOOKS_SCHEME = 'standard-webhooks';
export const STANDARD_WEBHOOKS_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** Adds the signature schemes to the API's OpenAPI document (called by api/create-app.ts). */
export function addCrmWebhookSecuritySchemes(builder: DocumentBuilder): DocumentBuilder {
  return builder
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: HUBSPOT_SIGNATURE_HEADER,
        description: `HubSpot's v3 request signature: base64 HMAC-SHA256, keyed with the app's client secret, of method + URI + body + ${HUBSPOT_TIMESTAMP_HEADER}; refused when the timestamp is more than five minutes old`,
      },
      HUBSPOT_SCHEME,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'webhook-signature',
        description:
          'Standard Webhooks (standardwebhooks.com): webhook-signature over webhook-id, webhook-timestamp and the body, with the CRM_WEBHOOK_SECRET; refused when the timestamp is more than five minutes off',
      },
      STANDARD_WEBHOOKS_SCHEME,
    );
}

const bodyOf = (req: RawBodyRequest<Request>): Buffer => req.rawBody ?? Buffer.alloc(0);

/** One value of a header (a repeated header is not a signature anyone sent on purpose). */
function header(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return typeof value === 'string' ? value : undefined;
}

/** Refuses (401) a request HubSpot did not sign, or signed more than five minutes ago. */
export function assertHubSpotSigned(
  req: RawBodyRequest<Request>,
  clientSecret: string,
  publicUrl: string | undefined,
): void {
  // HubSpot signs the URL it was configured with; behind a proxy that is CRM_WEBHOOK_PUBLIC_URL's.
  const base = publicUrl ?? `${req.protocol}://${req.get('host') ?? ''}`;
  const verdict = verifyHubSpotRequest(clientSecret, {
    method: req.method,
    uri: `${base}${req.originalUrl}`,
    rawBody: bodyOf(req),
    signature: header(req, HUBSPOT_SIGNATURE_HEADER),
    timestamp: header(req, HUBSPOT_TIMESTAMP_HEADER),
  });
  if (!verdict.ok) throw signatureRefused(verdict.reason);
}

/** Refuses (401) a request not signed per Standard Webhooks with this secret, or with a timestamp more than five minutes off. */
export function assertStandardWebhookSigned(req: RawBodyRequest<Request>, secret: string): void {
  const headers = Object.fromEntries(STANDARD_WEBHOOKS_HEADERS.map((name) => [name, header(req, name) ?? '']));
  try {
    new Webhook(secret).verify(bodyOf(req), headers, { jsonParse: false });
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    throw signatureRefused(
      /timestamp too (old|new)/i.test(err.message)
        ? 'the webhook-timestamp is more than five minutes off'
        : `the request is not signed with the CRM webhook secret (${err.message})`,
    );
  }
}

function signatureRefused(reason: string): ProblemException {
  const stale = /five minutes/.test(reason);
  return new ProblemException({ status: 401, code: stale ? 'StaleSignature' : 'InvalidSignature', detail: reason });
}
