import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { PrincipalRole } from '../../src/domain/principal-roles';
import { type ActingPrincipal, type Attributed, type Principal, principalLabel } from '../../src/domain/principal';

/** The authenticated caller of a request, and the roles through which the route let it in. */
export interface Caller {
  principal: Principal;
  /** The principal's roles that the route allows (never empty once the guard let it through). */
  actingRoles: PrincipalRole[];
}

/** `csrfToken`: on pages, the session's token for the forms the page renders. */
export type RequestWithCaller = Request & { caller?: Caller; csrfToken?: string };

/** The caller the bearer guard authenticated; only on routes declared with `@Allow(...)`. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  // The guard runs before every handler: a route reading the caller without `@Allow` is a bug.
  if (!caller) throw new Error('CurrentCaller read on a route without @Allow');
  return caller;
});

/**
 * The CSM whose onboardings alone this caller may touch, when `csm` is the only role that let it
 * in; undefined when a broader role did (a CS lead, an operator...).
 */
export function confinedCsm(caller: Caller, actingRoles: readonly PrincipalRole[] = caller.actingRoles) {
  return actingRoles.length > 0 && actingRoles.every((r) => r === 'csm') ? caller.principal.csmId : undefined;
}

/**
 * The principal as a command carries it into the workflow, acting in `role`. By default the role
 * that let it in: `csm` when that is all it has, else its broadest one (a CS lead who also holds
 * `csm` acts on another CSM's onboarding as the lead).
 */
export function actingPrincipal(
  caller: Caller,
  role: PrincipalRole = caller.actingRoles.find((r) => r !== 'csm') ?? caller.actingRoles[0],
): ActingPrincipal {
  const { kind, id, name } = caller.principal;
  return { kind, id, name, role };
}

/**
 * A command body attributed to its caller: `actor` is the principal's label, whatever the body
 * said; the body's own `actor`, if any, is kept as a note beside it.
 */
export function attributed<B extends { actor?: string }>(
  body: B,
  caller: Caller,
  role?: PrincipalRole,
): Omit<B, 'actor'> & Attributed {
  const { actor: note, ...rest } = body;
  return {
    ...rest,
    actor: principalLabel(caller.principal),
    principal: actingPrincipal(caller, role),
    ...(note && note !== principalLabel(caller.principal) ? { actorNote: note } : {}),
  };
}
