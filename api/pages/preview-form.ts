import type { PreviewScenario } from '../../src/domain/preview-scenario';

/** The scenario form's fields (query string or form body), as the browser sends them. */
export interface PreviewFormFields {
  handoffDelayDays?: string;
  neverTasks?: string | string[];
  neverMilestones?: string | string[];
  neverGates?: string | string[];
  acknowledgeAfterHours?: string;
  horizonDays?: string;
  /** The draft's definition, as JSON text (the draft form only). */
  definition?: string;
  _csrf?: string;
}

/** A repeated field arrives as a string when ticked once, an array when ticked more. */
function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string' && v !== '');
  return items.length > 0 ? items : undefined;
}

/**
 * A number field: empty means "not set"; anything else goes to the preview's own schema as a
 * number when it is one and as the text otherwise, so the refusal names the field (one set of
 * rules: src/playbooks/preview-request.ts).
 */
function numberField(value: string | string[] | undefined): number | string | undefined {
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value.join(',');
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
}

/** The scenario the form describes, unchecked: `POST /playbooks/preview`'s checks apply to it. */
export function scenarioOfForm(fields: PreviewFormFields): Record<string, unknown> {
  const never = {
    tasks: list(fields.neverTasks),
    milestones: list(fields.neverMilestones),
    gates: list(fields.neverGates),
  };
  const scenario: Record<string, unknown> = {
    handoffDelayDays: numberField(fields.handoffDelayDays),
    acknowledgeAfterHours: numberField(fields.acknowledgeAfterHours),
    horizonDays: numberField(fields.horizonDays),
    never: Object.values(never).some((v) => v !== undefined) ? dropUndefined(never) : undefined,
  };
  return dropUndefined(scenario);
}

/** What the form shows as filled in: the scenario's fields back as text. */
export function formValuesOf(fields: PreviewFormFields): {
  handoffDelayDays: string;
  acknowledgeAfterHours: string;
  horizonDays: string;
  never: Required<NonNullable<PreviewScenario['never']>>;
} {
  const text = (v: string | string[] | undefined) => (typeof v === 'string' ? v : '');
  return {
    handoffDelayDays: text(fields.handoffDelayDays),
    acknowledgeAfterHours: text(fields.acknowledgeAfterHours),
    horizonDays: text(fields.horizonDays),
    never: {
      tasks: list(fields.neverTasks) ?? [],
      milestones: list(fields.neverMilestones) ?? [],
      gates: list(fields.neverGates) ?? [],
    },
  };
}

function dropUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
