/**
 * The Sales-to-CS handoff checklist (seed 004, DOMAIN.md). Handoff is complete only when every
 * mandatory field is present; only then may a CSM be assigned.
 */
export interface Stakeholder {
  name: string;
  role: string;
  email?: string;
  executiveSponsor?: boolean;
}

export interface ComplianceScope {
  dataResidency?: string;
  kycRequired?: boolean;
  frameworks?: string[];
}

export interface Handoff {
  goals?: string[];
  successCriteria?: string[];
  technicalRequirements?: string[];
  stakeholders?: Stakeholder[];
  salesPromises?: string[];
  targetGoLive?: string;
  complianceScope?: ComplianceScope;
  migrationScope?: string;
}

export const MANDATORY_HANDOFF_FIELDS = [
  'goals',
  'successCriteria',
  'technicalRequirements',
  'stakeholders',
  'executiveSponsor',
  'salesPromises',
  'targetGoLive',
  'complianceScope',
  'migrationScope',
] as const;
export type HandoffField = (typeof MANDATORY_HANDOFF_FIELDS)[number];

const nonEmpty = (list: unknown[] | undefined): boolean => Array.isArray(list) && list.length > 0;

/** The mandatory fields still missing, in checklist order. Empty means the handoff is complete. */
export function missingHandoffFields(handoff: Handoff): HandoffField[] {
  const present: Record<HandoffField, boolean> = {
    goals: nonEmpty(handoff.goals),
    successCriteria: nonEmpty(handoff.successCriteria),
    technicalRequirements: nonEmpty(handoff.technicalRequirements),
    stakeholders: nonEmpty(handoff.stakeholders),
    executiveSponsor: (handoff.stakeholders ?? []).some((s) => s.executiveSponsor === true),
    // Sales may honestly have promised nothing, but must say so with an empty list.
    salesPromises: Array.isArray(handoff.salesPromises),
    targetGoLive: typeof handoff.targetGoLive === 'string' && handoff.targetGoLive.length > 0,
    complianceScope: handoff.complianceScope !== undefined,
    migrationScope: typeof handoff.migrationScope === 'string' && handoff.migrationScope.length > 0,
  };
  return MANDATORY_HANDOFF_FIELDS.filter((field) => !present[field]);
}
