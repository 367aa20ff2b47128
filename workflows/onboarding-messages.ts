import { messageFor, renderMessage } from '../src/domain/messages';
import type { OnboardingState } from '../src/domain/onboarding';
import type { Notice } from '../src/domain/outbox';
import type { Playbook } from '../src/domain/playbook';
import type { Role } from '../src/domain/roles';

/** The onboarding's messages: a notice the rules queued, rendered from the playbook's template. */

/** Addresses per role: the deal's people from the state, internal roles from the playbook. */
function directory(state: OnboardingState, playbook: Playbook): Partial<Record<Role, string[]>> {
  const stakeholders = state.handoff.stakeholders ?? [];
  const emails = (list: Array<{ email?: string }>) => list.map((s) => s.email).filter((e): e is string => !!e);
  const dir: Partial<Record<Role, string[]>> = {
    customer: emails(stakeholders),
    'executive-sponsor': emails(stakeholders.filter((s) => s.executiveSponsor)),
    sales: [state.salesOwner.email],
    csm: state.csm ? [state.csm.email] : [],
  };
  for (const [role, email] of Object.entries(playbook.contacts)) if (email) dir[role as Role] = [email];
  return dir;
}

export function render(state: OnboardingState, playbook: Playbook, notice: Notice) {
  const template = messageFor(playbook.messages, notice.event);
  if (!template) return undefined;
  const stakeholders = state.handoff.stakeholders ?? [];
  const context = {
    account: state.account,
    tier: state.tier,
    segment: state.segment,
    csm: state.csm ?? { name: 'your Customer Success team' },
    customer: stakeholders.find((s) => s.executiveSponsor) ?? stakeholders[0] ?? { name: state.account.name },
    handoff: state.handoff,
    handoffMissing: state.handoffMissing,
    stage: { name: state.stage.name, lastProgressAt: state.lastProgressAt },
    ...notice.context,
  };
  return renderMessage({
    template,
    key: notice.key,
    onboardingId: state.onboardingId,
    context,
    directory: directory(state, playbook),
    extraRoles: notice.extraRoles,
  });
}
