/** Who owns a task, approves a gate or is told by an escalation. */
export const ROLES = [
  'csm',
  'customer',
  'implementation',
  'sales',
  'cs-lead',
  'vp-cs',
  'cs-ops',
  'executive-sponsor',
] as const;
export type Role = (typeof ROLES)[number];
