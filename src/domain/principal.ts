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

/** A principal as a command carries it into the workflow: with the one role it acted in. */
export interface ActingPrincipal extends Pick<Principal, 'kind' | 'id' | 'name'> {
  role: PrincipalRole;
}

/**
 * What every command from the API carries: `actor`, the principal's label (what the audit log's
 * actor column shows), the principal itself, and the caller's own note (a display note, never
 * the actor). Commands in histories recorded before principals existed have only `actor`.
 */
export interface Attributed {
  actor: string;
  principal?: ActingPrincipal;
  actorNote?: string;
}
