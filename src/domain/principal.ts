import type { PrincipalRole } from './principal-roles';

/**
 * Who is calling: an API key or an OIDC token's subject, authenticated by the API. Commands carry
 * it into the workflow so that the history and the audit log name the real caller.
 */
export interface Principal {
  kind: 'api-key' | 'token';
  /** The key's public prefix (`oo_xxxxxxxx`) or the token's `sub`. */
  id: string;
  /** The key's name or the token's display name: what the audit log shows beside the id. */
  name: string;
  roles: PrincipalRole[];
  /** A CSM's own id: their onboardings are the only ones they may touch. */
  csmId?: string;
}

/** How the audit log and the history name a principal: `name [id]`. */
export function principalLabel(p: Pick<Principal, 'id' | 'name'>): string {
  return p.name === p.id ? p.id : `${p.name} [${p.id}]`;
}
