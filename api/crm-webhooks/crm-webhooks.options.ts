import type { CrmWebhookConfig } from '../../src/integrations/crm/crm-webhook-config';

export const CRM_WEBHOOKS = Symbol('CRM_WEBHOOKS');

/** Per CRM endpoint, its secret and field mapping (src/integrations/crm/crm-webhook-config.ts); an endpoint left out answers 404. */
export type CrmWebhooksOptions = CrmWebhookConfig;
