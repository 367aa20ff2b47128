import { Injectable } from '@nestjs/common';
import type { OnboardingView } from '../../src/contracts/onboarding.contract';
import type { Role } from '../../src/domain/roles';
import { type Caller, confinedCsm } from '../auth/caller';
import { refuse } from '../common/problem-details';
import { OnboardingsService } from './onboardings.service';

/** What the CSM check needs of a state, live or projected. */
type AssignedTo = { onboardingId: string; csm?: { id: string } };

/**
 * What a caller may do to one onboarding, beyond the route's roles: a CSM touches only the
 * onboardings assigned to them, and an approver acts in a role they hold, never one the body names.
 */
@Injectable()
export class OnboardingAccess {
  constructor(private readonly onboardings: OnboardingsService) {}

  /** Refuses (403) a caller confined to one CSM on another CSM's onboarding. */
  async assertMayTouch(onboardingId: string, caller: Caller): Promise<void> {
    const csmId = confinedCsm(caller);
    if (csmId) this.assertAssigned(await this.onboardings.getState(onboardingId), csmId);
  }

  /** The same refusal for a state already read (live or from the read model): no second query. */
  assertMayRead(state: AssignedTo, caller: Caller): void {
    const csmId = confinedCsm(caller);
    if (csmId) this.assertAssigned(state, csmId);
  }

  /** Refuses (404) an onboarding that does not exist, for routes that would not otherwise ask the workflow. */
  async assertExists(onboardingId: string): Promise<void> {
    await this.onboardings.getState(onboardingId);
  }

  /**
   * The approver role the caller acts in for a gate: the one the body asks for if the caller holds
   * it, else the first of the gate's approver roles the caller holds. 403 when it holds none.
   */
  async gateApproverRole(onboardingId: string, gateKey: string, caller: Caller, asked?: Role): Promise<Role> {
    const state = await this.onboardings.getState(onboardingId);
    const gate = state.gates.find((g) => g.key === gateKey);
    // A key holding `csm` besides a broader approver role approves another CSM's onboarding in the broader one.
    const approverRoles = asked || !gate ? gate?.approverRoles : this.ownFirst(gate.approverRoles, state, caller);
    const role = this.heldRole(caller, approverRoles, asked, `gate '${gateKey}'`, 'GateApproverNotAllowed');
    if (role === 'csm') this.assertAssigned(state, caller.principal.csmId);
    return role;
  }

  /** The approver roles, `csm` last unless the onboarding is the caller's own. */
  private ownFirst(roles: readonly Role[], state: OnboardingView, caller: Caller): readonly Role[] {
    if (state.csm?.id === caller.principal.csmId) return roles;
    return [...roles.filter((r) => r !== 'csm'), ...roles.filter((r) => r === 'csm')];
  }

  /** The role a rollout stage's sign-off is given in: the step's named role, which the caller must hold. */
  signOffRole(caller: Caller, waitingRole: string | undefined, asked?: Role): Role {
    return this.heldRole(
      caller,
      waitingRole ? [waitingRole as Role] : undefined,
      asked,
      'this stage',
      'SignOffNotAllowed',
    );
  }

  /** `refusal`: the workflow's own code for the same refusal, so clients see one code either way. */
  private heldRole(
    caller: Caller,
    allowed: readonly Role[] | undefined,
    asked: Role | undefined,
    what: string,
    refusal: string,
  ): Role {
    const { principal } = caller;
    const held = principal.roles as readonly string[];
    if (asked !== undefined) {
      if (!held.includes(asked)) throw refuse(403, 'RoleNotHeld', `${principal.id} does not hold the role ${asked}`);
      if (allowed && !allowed.includes(asked))
        throw refuse(403, refusal, `${what} may only be approved by: ${allowed.join(', ')}; not ${asked}`);
      return asked;
    }
    // Unknown gate or step: let the workflow's own refusal (404 or 409) answer, in any held role.
    if (!allowed) return caller.actingRoles[0] as Role;
    const role = allowed.find((r) => held.includes(r));
    if (!role)
      throw refuse(
        403,
        refusal,
        `${what} may only be approved by: ${allowed.join(', ')}; ${principal.id} holds ${principal.roles.join(', ')}`,
      );
    return role;
  }

  private assertAssigned(state: AssignedTo, csmId: string | undefined): void {
    if (state.csm?.id !== csmId) {
      throw refuse(403, 'NotYourOnboarding', `onboarding ${state.onboardingId} is not assigned to CSM ${csmId}`);
    }
  }
}
