import { ROLES } from './roles';

/**
 * The roles an API key can carry: the callers of the API (the CS platform or CRM, operators,
 * admins, CSMs) and every role a playbook names as a gate approver or task owner (`ROLES`, which
 * has `csm`), so that a person's key can approve what their role may approve.
 */
export const PRINCIPAL_ROLES = ['cs-platform', 'operator', 'admin', ...ROLES] as const;
export type PrincipalRole = (typeof PRINCIPAL_ROLES)[number];

export function isPrincipalRole(value: string): value is PrincipalRole {
  return (PRINCIPAL_ROLES as readonly string[]).includes(value);
}
