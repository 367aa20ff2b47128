import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { isPrincipalRole } from '../../src/domain/principal-roles';
import type { Principal } from '../../src/domain/principal';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';

/** Tokens older or newer than this much clock difference are still accepted (issuer and API clocks differ). */
export const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Verifies OIDC access tokens (JWTs) against the issuer's JWKS with `jose`: signature, issuer,
 * audience, expiry. The key set is fetched once and refetched when a token names an unknown key
 * (the issuer rotated), as `createRemoteJWKSet` does.
 */
@Injectable()
export class TokenVerifier {
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(@Inject(AUTH_OPTIONS) private readonly opts: AuthOptions) {
    if (opts.oidc) this.jwks = createRemoteJWKSet(new URL(opts.oidc.jwksUrl));
  }

  get enabled(): boolean {
    return this.jwks !== undefined;
  }

  /** The token's principal, or undefined when it does not verify (the caller answers 401). */
  async verify(token: string): Promise<Principal | undefined> {
    const oidc = this.opts.oidc;
    if (!oidc || !this.jwks) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: oidc.issuer,
        audience: oidc.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (err) {
      // A token that fails verification is a 401; an issuer we cannot reach is an outage (503).
      if (err instanceof errors.JOSEError && !(err instanceof errors.JWKSTimeout)) return undefined;
      throw err;
    }
    if (typeof payload.sub !== 'string' || !payload.sub) return undefined;
    const name = payload[oidc.nameClaim];
    const csmId = payload[oidc.csmClaim];
    return {
      kind: 'token',
      id: payload.sub,
      name: typeof name === 'string' && name ? name : payload.sub,
      roles: rolesOf(payload[oidc.rolesClaim]),
      ...(typeof csmId === 'string' && csmId ? { csmId } : {}),
    };
  }
}

/** Roles from a claim: an array or a space-separated string; roles this service does not know are ignored. */
function rolesOf(claim: unknown) {
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  return [...new Set(values.filter((r): r is string => typeof r === 'string').filter(isPrincipalRole))];
}
