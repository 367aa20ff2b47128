import type { OutboundMessage } from '../contracts/notification.contract';
import type { MessageEvent } from './message-events';
import type { MessageTemplate } from './playbook';
import type { Role } from './roles';

/**
 * Rendering of the playbook's message templates. Pure (no Node APIs, no packages): the workflow
 * renders its messages itself, so a replay renders the same text and the same recipients.
 */

const TOKEN = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/**
 * Replaces each `{{a.b.c}}` token with the value at that path in `context`. Arrays are joined
 * with ', '; a missing value (or an object, which has no plain-text form) renders as ''.
 * Plain-text mail: nothing is escaped. One pass, so a value that contains `{{x}}` stays as it is.
 */
export function renderTemplate(text: string, context: Record<string, unknown>): string {
  return text.replace(TOKEN, (_, path: string) => format(lookup(context, path)));
}

function lookup(context: Record<string, unknown>, path: string): unknown {
  let value: unknown = context;
  for (const part of path.split('.')) {
    // Own properties only: `{{constructor}}` must not reach the prototype.
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part))
      return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function format(value: unknown): string {
  if (Array.isArray(value))
    return value
      .map(format)
      .filter((s) => s !== '')
      .join(', ');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return '';
}

export interface RenderMessageArgs {
  template: MessageTemplate;
  /** Unique per onboarding and occurrence: delivery is idempotent on it. */
  key: string;
  onboardingId: string;
  context: Record<string, unknown>;
  /** Addresses per role: the playbook's contacts, the CSM, the customer's stakeholders... */
  directory: Partial<Record<Role, string[]>>;
  /** Roles told in addition to the template's (e.g. the owner of a task, an escalation level). */
  extraRoles?: Role[];
}

/** The message for a template, or undefined when none of its roles has an address. */
export function renderMessage(args: RenderMessageArgs): OutboundMessage | undefined {
  const to = recipients([...args.template.to, ...(args.extraRoles ?? [])], args.directory);
  if (to.length === 0) return undefined;
  return {
    key: args.key,
    onboardingId: args.onboardingId,
    event: args.template.event,
    to,
    // A subject is one header line: a line break from a value (an account name) must not split it.
    subject: renderTemplate(args.template.subject, args.context)
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .trim(),
    body: renderTemplate(args.template.body, args.context),
  };
}

/** Addresses of the roles, in order, each once (compared case-insensitively), blanks dropped. */
function recipients(roles: Role[], directory: Partial<Record<Role, string[]>>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const role of roles) {
    for (const raw of directory[role] ?? []) {
      const address = raw.trim();
      const id = address.toLowerCase();
      if (address === '' || seen.has(id)) continue;
      seen.add(id);
      out.push(address);
    }
  }
  return out;
}

/**
 * Messages about the service's own operation, not the journey: the default playbooks carry them,
 * and a playbook published before these events existed (or without them) still sends them.
 */
export const OPERATIONAL_MESSAGES: MessageTemplate[] = [
  {
    // Codes and keys only: the refused text itself must not travel in the alert.
    event: 'side-effect-failed',
    to: ['cs-ops'],
    subject: '[Ops] {{failure.effect}} of {{failure.onboardingId}} refused: {{failure.type}} {{failure.code}}',
    body: 'The {{failure.effect}} {{failure.item}} of onboarding {{failure.onboardingId}} was refused for good at {{failure.at}} ({{failure.type}} {{failure.code}}; fallback: {{failure.fallback}}). The onboarding goes on; later refusals of the same kind are counted in its state, not mailed.',
  },
  {
    event: 'no-csm-capacity',
    to: ['cs-lead'],
    subject: 'No CSM with capacity for {{account.name}} ({{tier}})',
    body: 'The onboarding of {{account.name}} ({{tier}}) has been waiting for a CSM since {{waiting.since}}: no active CSM covering {{tier}} has a free seat. Add a CSM or raise a capacity (PUT /csms/:id); it is assigned as soon as a seat frees up.',
  },
];

/** The playbook's template for an event, else the operational default; undefined: not mailed. */
export function messageFor(templates: MessageTemplate[], event: MessageEvent): MessageTemplate | undefined {
  return templates.find((t) => t.event === event) ?? OPERATIONAL_MESSAGES.find((t) => t.event === event);
}
