import { z } from 'zod';
import { CUTOVER_OPERATIONS } from '../domain/cutover';
import { MESSAGE_EVENTS } from '../domain/message-events';
import type { Playbook } from '../domain/playbook';
import { ROLES } from '../domain/roles';
import { unsafeTextProblem } from '../domain/safe-text';
import { TIERS } from '../domain/segment';

/**
 * The shape of a playbook, mirroring src/domain/playbook.ts. Strict objects: a misspelt field
 * is an error rather than silently ignored. Cross-references (stages, tasks, ladders, ...) are
 * checked by playbook-rules.ts, which can name the thing that is missing.
 */

/** Keys appear in URLs (`/milestones/:milestone`) and in messages, so they stay kebab-case. */
const key = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a kebab-case key (lower-case letters, digits and single dashes)');
/** Names, criteria and message templates end up in PostgreSQL, e-mails and PDFs: bounded, and only characters they carry. */
const TEXT_MAX = 10_000;
const text = z
  .string()
  .regex(/\S/, 'must not be empty')
  .max(TEXT_MAX, `must be at most ${TEXT_MAX} characters long`)
  .superRefine((value, ctx) => {
    const problem = unsafeTextProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * A cutover step's free-form params: every string in them, keys included, obeys the same rule
 * (walked without recursion; the API has already bounded the nesting).
 */
const params = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const pending: Array<{ at: PropertyKey[]; value: unknown }> = [{ at: [], value }];
  while (pending.length > 0) {
    const { at, value: v } = pending.pop()!;
    if (typeof v === 'string') {
      const problem =
        unsafeTextProblem(v) ?? (v.length > TEXT_MAX ? `must be at most ${TEXT_MAX} characters long` : undefined);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: at });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const problem = unsafeTextProblem(k);
        if (problem) ctx.addIssue({ code: 'custom', message: `key ${problem}`, path: at });
        pending.push({ at: [...at, Array.isArray(v) ? Number(k) : k], value: child });
      }
    }
  }
});
const role = z.enum(ROLES);
const days = z.number().nonnegative();
const hours = z.number().nonnegative();

const stage = z.strictObject({
  key,
  name: text,
  entryCriteria: text,
  exitCriteria: text,
  exitMilestones: z.array(key),
  exitGates: z.array(key),
  // 0 would call every stage stalled the moment it is entered.
  stallAfterDays: z.number().positive(),
});

const task = z.strictObject({
  key,
  name: text,
  stage: key,
  owner: role,
  dueAfterDays: days,
  dependsOn: z.array(key),
  remindBeforeHours: hours,
  escalation: key,
});

const milestone = z.strictObject({
  key,
  name: text,
  // Zero or negative targets are reported by the rules as "milestone without target".
  targetDay: z
    .number({
      error: (iss) => (iss.input === undefined ? 'milestone without target: targetDay is required' : undefined),
    })
    .int(),
  escalation: key,
  executiveTouchpoint: z.boolean(),
});

const gate = z.strictObject({
  key,
  name: text,
  stage: key,
  approverRoles: z.array(role).min(1, 'a gate needs at least one approver role'),
  acceptanceCriteria: z.array(text).min(1, 'a gate needs at least one acceptance criterion'),
});

const escalationLevel = z.strictObject({
  notify: z.enum(ROLES, {
    error: (iss) => (iss.input === undefined ? 'ladder with no owner: the level has no notify role' : undefined),
  }),
  afterHours: hours,
});

const escalationLadder = z.strictObject({
  key,
  // An empty ladder is reported by the rules as "ladder with no owner".
  levels: z.array(escalationLevel),
});

const message = z.strictObject({
  event: z.enum(MESSAGE_EVENTS),
  to: z.array(role),
  subject: text,
  body: text,
});

const share = z.number().min(0, 'must be a share between 0 and 1').max(1, 'must be a share between 0 and 1');
const operation = z.enum(CUTOVER_OPERATIONS);

const healthCheck = z.strictObject({
  maxErrorRate: share,
  minTransactionSuccessRate: share,
  checks: z.number().int().positive(),
  intervalMs: z.number().int().nonnegative(),
});

const cutoverStep = z.strictObject({
  key,
  name: text,
  action: operation,
  compensation: operation.optional(),
  params: params.optional(),
  healthCheck: healthCheck.optional(),
  signOff: z.strictObject({ role }).optional(),
});

const hypercare = z.strictObject({
  days: z.number().positive(),
  readEveryHours: z.number().positive(),
  thresholds: z.strictObject({
    maxErrorRate: share,
    minAuthSuccessRate: share,
    minTransactionSuccessRate: share,
    maxTicketVolume: z.number().nonnegative(),
  }),
  escalation: key,
  acceptanceGate: key,
});

const cutoverPlan = z.strictObject({
  steps: z.array(cutoverStep).min(1, 'a cutover plan needs at least one step'),
  reconciliationThreshold: share,
  batchSize: z.number().int().positive(),
  retry: z.strictObject({
    initialIntervalMs: z.number().int().positive(),
    stepAttempts: z.number().int().positive(),
    compensationAttempts: z.number().int().positive(),
    heartbeatTimeoutMs: z.number().int().positive().optional(),
  }),
  readiness: z.strictObject({ gate: key, rehearsalMaxAgeDays: z.number().positive() }),
  hypercare: hypercare.optional(),
});

export const playbookSchema = z.strictObject({
  tier: z.enum(TIERS),
  version: z.number().int().positive(),
  name: text,
  stages: z.array(stage).min(1, 'a playbook needs at least one stage'),
  tasks: z.array(task),
  milestones: z.array(milestone),
  gates: z.array(gate),
  escalationLadders: z.array(escalationLadder),
  handoff: z.strictObject({
    // 0 would remind Sales in a tight loop.
    remindEveryHours: z.number().positive(),
    escalation: key,
  }),
  messages: z.array(message),
  contacts: z.partialRecord(role, z.email()),
  firstValueMilestone: key,
  cutoverPlan: cutoverPlan.optional(),
});

/** Fails to compile when the schema and the Playbook type drift apart. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesPlaybook: Same<z.infer<typeof playbookSchema>, Playbook> = true;
void schemaMatchesPlaybook;
