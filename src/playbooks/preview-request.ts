import { z } from 'zod';
import type { Playbook } from '../domain/playbook';
import type { PreviewScenario } from '../domain/preview-scenario';
import { type PlaybookError } from './playbook-rules';
import { describeIssue, formatPath, validatePlaybook } from './validate-playbook';

/**
 * A preview request from outside (`POST /playbooks/preview`): the definition, checked as a
 * publish would check it, and the scenario, checked here. Everything is bounded, so that a
 * hostile request cannot make the preview run long: the horizon, each list and the playbook's
 * size (each pass of the preview walks every task, milestone and ladder level).
 */
export const PREVIEW_LIMITS = {
  horizonDays: 400,
  handoffDelayDays: 365,
  acknowledgeAfterHours: 24 * 400,
  itemsPerList: 200,
  stages: 20,
  tasks: 60,
  milestones: 30,
  gates: 30,
  escalationLadders: 20,
  ladderLevels: 6,
} as const;

const key = z.string().max(200);
const dayOffset = z.number().min(0).max(PREVIEW_LIMITS.horizonDays);
const keys = z.array(key).max(PREVIEW_LIMITS.itemsPerList);
const days = z
  .record(key, dayOffset)
  .refine((r) => Object.keys(r).length <= PREVIEW_LIMITS.itemsPerList, `at most ${PREVIEW_LIMITS.itemsPerList} items`);

export const previewScenarioSchema = z.strictObject({
  handoffDelayDays: z.number().min(0).max(PREVIEW_LIMITS.handoffDelayDays).optional(),
  never: z.strictObject({ tasks: keys.optional(), milestones: keys.optional(), gates: keys.optional() }).optional(),
  complete: z.strictObject({ tasks: days.optional(), milestones: days.optional(), gates: days.optional() }).optional(),
  acknowledgeAfterHours: z.number().min(0).max(PREVIEW_LIMITS.acknowledgeAfterHours).optional(),
  horizonDays: z.number().int().min(1).max(PREVIEW_LIMITS.horizonDays).optional(),
});

/** Closed-won of the previewed onboarding: an instant Date and PostgreSQL agree on. */
const startAt = z.iso.datetime({ offset: true }).refine((s) => {
  const year = new Date(s).getUTCFullYear();
  return year >= 2000 && year <= 2100;
}, 'must be between the years 2000 and 2100');

export const previewRequestSchema = z.strictObject({
  definition: z.unknown(),
  scenario: previewScenarioSchema.optional(),
  startAt: startAt.optional(),
});

export type PreviewRequestCheck =
  | { ok: true; playbook: Playbook; scenario: PreviewScenario; startAt?: string }
  | { ok: false; kind: 'request' | 'definition'; errors: PlaybookError[] };

/** Every problem with its path (`definition.tasks[2].stage`, `scenario.never.tasks[0]`), or what to preview. */
export function checkPreviewRequest(body: unknown): PreviewRequestCheck {
  const parsed = previewRequestSchema.safeParse(body, { error: describeIssue });
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((k) => ({ path: formatPath([...issue.path, k]), message: `unknown key "${k}"` }))
        : [{ path: formatPath(issue.path), message: issue.message }],
    );
    return { ok: false, kind: 'request', errors };
  }
  const validated = validatePlaybook(parsed.data.definition);
  if (!validated.ok) {
    const errors = validated.errors.map((e) => ({ ...e, path: prefixed('definition', e.path) }));
    return { ok: false, kind: 'definition', errors };
  }
  const scenario = parsed.data.scenario ?? {};
  const errors = [...sizeErrors(validated.playbook), ...unknownItems(validated.playbook, scenario)];
  if (errors.length) return { ok: false, kind: 'request', errors };
  return { ok: true, playbook: validated.playbook, scenario, startAt: parsed.data.startAt };
}

function prefixed(prefix: string, path: string): string {
  if (path === '(root)') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function sizeErrors(playbook: Playbook): PlaybookError[] {
  const errors: PlaybookError[] = [];
  const limit = (path: string, n: number, max: number) => {
    if (n > max) errors.push({ path, message: `a preview takes at most ${max}, got ${n}` });
  };
  limit('definition.stages', playbook.stages.length, PREVIEW_LIMITS.stages);
  limit('definition.tasks', playbook.tasks.length, PREVIEW_LIMITS.tasks);
  limit('definition.milestones', playbook.milestones.length, PREVIEW_LIMITS.milestones);
  limit('definition.gates', playbook.gates.length, PREVIEW_LIMITS.gates);
  limit('definition.escalationLadders', playbook.escalationLadders.length, PREVIEW_LIMITS.escalationLadders);
  playbook.escalationLadders.forEach((l, i) =>
    limit(`definition.escalationLadders[${i}].levels`, l.levels.length, PREVIEW_LIMITS.ladderLevels),
  );
  return errors;
}

/** Scenario items must name the playbook's own tasks, milestones and gates. */
function unknownItems(playbook: Playbook, scenario: PreviewScenario): PlaybookError[] {
  const known = {
    tasks: new Set(playbook.tasks.map((t) => t.key)),
    milestones: new Set(playbook.milestones.map((m) => m.key)),
    gates: new Set(playbook.gates.map((g) => g.key)),
  };
  const noun = { tasks: 'task', milestones: 'milestone', gates: 'gate' } as const;
  const errors: PlaybookError[] = [];
  for (const list of ['tasks', 'milestones', 'gates'] as const) {
    scenario.never?.[list]?.forEach((k, i) => {
      if (!known[list].has(k))
        errors.push({ path: `scenario.never.${list}[${i}]`, message: `unknown ${noun[list]} "${k}"` });
    });
    for (const k of Object.keys(scenario.complete?.[list] ?? {})) {
      if (!known[list].has(k))
        errors.push({ path: formatPath(['scenario', 'complete', list, k]), message: `unknown ${noun[list]} "${k}"` });
    }
  }
  return errors;
}
