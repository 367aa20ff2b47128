import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { PrincipalRole } from '../../src/domain/principal-roles';
import { ApiProblems } from '../common/openapi-contract';

export const ACCESS_METADATA = 'onboarding-orchestrator:access';
export const OPEN_IN_EMBEDDED_DEFAULT = 'onboarding-orchestrator:open-in-embedded-default';
/** The OpenAPI security scheme of bearer API keys and OIDC tokens. */
export const BEARER_SCHEME = 'bearer';
/** Where the OpenAPI document lists the roles an operation allows. */
export const ROLES_EXTENSION = 'x-roles';

/**
 * Who may call a route. Every route declares one (a test walks them all):
 * - `roles`: a bearer key or token holding at least one of these roles;
 * - `public`: nobody is asked (health, the OpenAPI document);
 * - `signed`: the request proves itself with a signature over its body (inbound CRM webhooks).
 */
export type Access =
  { kind: 'roles'; roles: readonly PrincipalRole[] } | { kind: 'public' } | { kind: 'signed'; scheme: string };

/** `@Allow('cs-platform', 'operator')`: a principal holding one of these roles. */
export function Allow(...roles: PrincipalRole[]) {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies Access),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension(ROLES_EXTENSION, roles),
    ApiProblems(401, 403, 429),
  );
}

/** Open to anyone: only for what must answer without credentials. */
export function Public() {
  return applyDecorators(SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies Access), ApiProblems(429));
}

/**
 * Authenticated by a signature over the request (`scheme` names the OpenAPI security scheme that
 * documents it), checked by the route itself; no bearer credential is asked.
 */
export function SignedRequest(scheme: string) {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, { kind: 'signed', scheme } satisfies Access),
    ApiSecurity(scheme),
    ApiProblems(401, 429),
  );
}

/**
 * With `@Allow`: open without a key in the embedded default (listening on this machine only),
 * for the local Temporal Web UI, which calls without credentials. Elsewhere the roles apply.
 */
export function OpenInEmbeddedDefault() {
  return SetMetadata(OPEN_IN_EMBEDDED_DEFAULT, true);
}
