import type { PrincipalRole } from '../../src/domain/principal-roles';
import { ROLES } from '../../src/domain/roles';

/**
 * Who may call what, in one place: the route decorators name these groups. `csm` in a group
 * means "on the CSM's own onboardings only" (see confinedCsm).
 */
export const ROUTE_ROLES = {
  /** Read onboardings, their audit and cutovers: integrations, operators, CS leadership; CSMs their own. */
  readOnboardings: ['cs-platform', 'operator', 'admin', 'cs-lead', 'vp-cs', 'cs-ops', 'csm'],
  /** Start onboardings on closed-won. */
  startOnboardings: ['cs-platform'],
  /** Add the handoff's fields: the CS platform, or Sales through it. */
  completeHandoffs: ['cs-platform', 'sales'],
  /** The CSM's daily work: milestones, tasks, risks, escalations; their lead and CS Ops may step in. */
  journeyWork: ['csm', 'cs-lead', 'cs-ops'],
  /** Gate approvals and rollout sign-offs: any playbook role; the gate or step's own roles are checked after. */
  approvals: ROLES,
  /** Request rehearsals and cutovers, decide stuck compensations. */
  cutoverOperations: ['operator'],
  /** Read playbooks, segmentation rules and the CSM roster. */
  readConfiguration: ['admin', 'operator', 'cs-ops', 'cs-lead', 'vp-cs', 'cs-platform'],
  /** Publish playbooks and segmentation rules. */
  publishConfiguration: ['admin'],
  /** Change the CSM roster (capacity, tiers). */
  manageRoster: ['admin', 'cs-ops'],
  /** Subscribe the CS platform's endpoints to events. */
  manageWebhooks: ['admin'],
  /** Read the delivery log and redeliver. */
  operateWebhooks: ['operator', 'admin'],
  /** The team's pages (portfolio, an onboarding's page): people, not integrations; CSMs see their own. */
  teamPages: ['csm', 'cs-lead', 'cs-ops', 'vp-cs', 'admin', 'operator'],
  /** Issue a new tracker link for the customer, or revoke every link issued so far. */
  manageTrackerLinks: ['csm', 'cs-lead', 'cs-ops'],
  /** Put an onboarding in a cohort (the pilot) after closed-won. */
  assignCohorts: ['cs-ops', 'cs-lead', 'admin', 'cs-platform'],
  /** Read the leadership dashboard, the baselines and the cohort comparisons. */
  readDashboards: ['vp-cs', 'cs-lead', 'cs-ops', 'admin', 'operator'],
  /** Enter the pre-program baseline figures. */
  manageBaseline: ['cs-ops', 'admin'],
  /** Read the weekly (and monthly) summary reports: CS leadership, CS Ops and operators. */
  readReports: ['vp-cs', 'cs-lead', 'cs-ops', 'admin', 'operator'],
  /** The playbook preview and journey map pages: the people among readConfiguration (not the CS platform). */
  playbookPages: ['admin', 'operator', 'cs-ops', 'cs-lead', 'vp-cs'],
  /** Scrape the API's metrics (Prometheus, with an operator key). */
  readMetrics: ['operator'],
  /** Decode payloads for the Temporal Web UI. */
  decodePayloads: ['operator'],
} as const satisfies Record<string, readonly PrincipalRole[]>;
