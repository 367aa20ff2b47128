import { z } from 'zod';
import { SEGMENTS, TIERS } from '../domain/segment';
import { COMPLEXITIES, type SegmentationRule } from '../domain/segmentation';
import { describeIssue, formatPath } from './validate-playbook';

/** Where, JSON-ish (`segments[1].minArr`), and what is wrong: the same shape as a playbook error. */
export interface SegmentationRuleError {
  path: string;
  message: string;
}

export type SegmentationRuleValidation =
  { ok: true; rule: SegmentationRule } | { ok: false; errors: SegmentationRuleError[] };

/** The shape, mirroring src/domain/segmentation.ts. Strict objects: a misspelt field is an error. */
const threshold = z.strictObject({
  segment: z.enum(SEGMENTS),
  minArr: z.number().nonnegative(),
  minComplexity: z.enum(COMPLEXITIES),
});

const tier = z.enum(TIERS);

export const segmentationRuleSchema = z.strictObject({
  version: z.number().int().positive(),
  segments: z.array(threshold),
  tiers: z.strictObject({ enterprise: tier, 'mid-market': tier, smb: tier }),
});

/**
 * Checks a segmentation rule from outside (API body, database) and reports every problem at
 * once, each with its path: the shape (zod), then what a shape cannot say: each segment exactly
 * once, minArr strictly decreasing, a catch-all last, and no entry before it that matches everyone.
 */
export function validateSegmentationRule(input: unknown): SegmentationRuleValidation {
  const parsed = segmentationRuleSchema.safeParse(input, { error: describeIssue });
  const errors = [...(parsed.success ? [] : parsed.error.issues.flatMap(toErrors)), ...segmentationRuleErrors(input)];
  if (parsed.success && errors.length === 0) return { ok: true, rule: parsed.data };
  return { ok: false, errors };
}

function toErrors(issue: z.core.$ZodIssue): SegmentationRuleError[] {
  if (issue.code !== 'unrecognized_keys') return [{ path: formatPath(issue.path), message: issue.message }];
  return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: `unknown key "${key}"` }));
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the raw input defensively: whatever is malformed is the schema's to report. */
function segmentationRuleErrors(input: unknown): SegmentationRuleError[] {
  if (!isObj(input) || !Array.isArray(input.segments)) return [];
  const errors: SegmentationRuleError[] = [];
  const entries: unknown[] = input.segments;

  // Each segment exactly once.
  const firstAt = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (!isObj(entry) || typeof entry.segment !== 'string') return;
    const first = firstAt.get(entry.segment);
    if (first === undefined) firstAt.set(entry.segment, i);
    else
      errors.push({
        path: `segments[${i}].segment`,
        message: `duplicate segment "${entry.segment}" (first at segments[${first}])`,
      });
  });
  for (const segment of SEGMENTS) {
    if (!firstAt.has(segment))
      errors.push({ path: 'segments', message: `segment "${segment}" is missing: every segment appears exactly once` });
  }

  // Strictly decreasing minArr, so that an entry's ARR threshold is not shadowed by the one before it.
  entries.forEach((entry, i) => {
    if (i === 0 || !isObj(entry) || typeof entry.minArr !== 'number') return;
    const previous = entries[i - 1];
    if (!isObj(previous) || typeof previous.minArr !== 'number') return;
    if (entry.minArr >= previous.minArr) {
      errors.push({
        path: `segments[${i}].minArr`,
        message: `must be less than segments[${i - 1}].minArr (${previous.minArr}), got ${entry.minArr}: entries are ordered by decreasing minArr`,
      });
    }
  });

  // The last entry catches every account; none before it may (its entries after would never be reached).
  const last = entries.length - 1;
  entries.forEach((entry, i) => {
    if (!isObj(entry)) return;
    if (i === last) {
      if (typeof entry.minArr === 'number' && entry.minArr !== 0) {
        errors.push({
          path: `segments[${i}].minArr`,
          message: `the last entry is the catch-all: minArr must be 0, got ${entry.minArr}`,
        });
      }
      if (typeof entry.minComplexity === 'string' && entry.minComplexity !== 'low') {
        errors.push({
          path: `segments[${i}].minComplexity`,
          message: `the last entry is the catch-all: minComplexity must be low, got ${JSON.stringify(entry.minComplexity)}`,
        });
      }
    } else if (entry.minComplexity === 'low') {
      errors.push({
        path: `segments[${i}].minComplexity`,
        message:
          'only the last entry may have minComplexity low: it matches every account, so the entries after it would never be reached',
      });
    }
  });
  return errors;
}
