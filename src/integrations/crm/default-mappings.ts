import type { FieldMapping } from './field-mapping';

/** The CRM webhook endpoints, each with its signature scheme and its field mapping. */
export const CRM_SOURCES = ['hubspot', 'generic'] as const;
export type CrmSource = (typeof CRM_SOURCES)[number];

const optional = (path: string) => ({ path, optional: true });

/**
 * HubSpot: the body a HubSpot workflow's "Send a webhook" action posts on closed-won, with the
 * deal's properties under `properties` (HubSpot's internal names; the `onboarding_*` ones are
 * custom deal properties for the handoff), the company, the deal owner and the contacts.
 * HubSpot's event subscriptions carry ids only, so the workflow webhook is the one that fits.
 * The delivery id is `eventId`: a value the workflow puts in the body (e.g. the enrolment's id),
 * which stays the same when HubSpot retries the delivery.
 */
export const HUBSPOT_DEFAULT_MAPPING = {
  deliveryId: 'eventId',
  fields: {
    'account.id': 'company.hs_object_id',
    'account.name': 'company.name',
    arr: 'properties.amount',
    complexity: 'properties.onboarding_complexity',
    closedWonAt: optional('properties.closedate'),
    'salesOwner.name': 'owner.name',
    'salesOwner.email': 'owner.email',
    'handoff.goals': optional('properties.onboarding_goals'),
    'handoff.successCriteria': optional('properties.onboarding_success_criteria'),
    'handoff.technicalRequirements': optional('properties.onboarding_technical_requirements'),
    'handoff.stakeholders': {
      path: 'contacts',
      optional: true,
      each: {
        name: 'name',
        role: 'jobtitle',
        email: optional('email'),
        executiveSponsor: optional('onboarding_executive_sponsor'),
      },
    },
    'handoff.salesPromises': optional('properties.onboarding_sales_promises'),
    'handoff.targetGoLive': optional('properties.onboarding_target_go_live'),
    'handoff.complianceScope.dataResidency': optional('properties.onboarding_data_residency'),
    'handoff.complianceScope.kycRequired': optional('properties.onboarding_kyc_required'),
    'handoff.complianceScope.frameworks': optional('properties.onboarding_compliance_frameworks'),
    'handoff.migrationScope': optional('properties.onboarding_migration_scope'),
  },
} satisfies FieldMapping;

/**
 * The generic endpoint (Standard Webhooks: Salesforce flows, other CRMs): the envelope the
 * specification recommends, `{ type, timestamp, data }`, with the deal in `data`. The delivery id
 * is the `webhook-id` header, so this mapping names none. Segment, or ARR and complexity: the
 * closed-won command's rules decide which the CRM must send.
 */
export const GENERIC_DEFAULT_MAPPING = {
  fields: {
    'account.id': 'data.account.id',
    'account.name': 'data.account.name',
    segment: optional('data.deal.segment'),
    arr: optional('data.deal.arr'),
    complexity: optional('data.deal.complexity'),
    closedWonAt: optional('data.deal.closedWonAt'),
    'salesOwner.name': 'data.deal.owner.name',
    'salesOwner.email': 'data.deal.owner.email',
    'handoff.goals': optional('data.handoff.goals'),
    'handoff.successCriteria': optional('data.handoff.successCriteria'),
    'handoff.technicalRequirements': optional('data.handoff.technicalRequirements'),
    'handoff.stakeholders': {
      path: 'data.contacts',
      optional: true,
      each: { name: 'name', role: 'role', email: optional('email'), executiveSponsor: optional('executiveSponsor') },
    },
    'handoff.salesPromises': optional('data.handoff.salesPromises'),
    'handoff.targetGoLive': optional('data.handoff.targetGoLive'),
    'handoff.complianceScope.dataResidency': optional('data.handoff.complianceScope.dataResidency'),
    'handoff.complianceScope.kycRequired': optional('data.handoff.complianceScope.kycRequired'),
    'handoff.complianceScope.frameworks': optional('data.handoff.complianceScope.frameworks'),
    'handoff.migrationScope': optional('data.handoff.migrationScope'),
  },
} satisfies FieldMapping;

export const DEFAULT_MAPPINGS: Record<CrmSource, FieldMapping> = {
  hubspot: HUBSPOT_DEFAULT_MAPPING,
  generic: GENERIC_DEFAULT_MAPPING,
};
