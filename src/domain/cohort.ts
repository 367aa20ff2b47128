/**
 * A cohort groups onboardings for comparison, e.g. the pilot of a new playbook version
 * (`pilot-2027q1`). A slug, because it is a filter value, a path segment and a column: lowercase
 * letters, digits and dashes, starting with a letter or digit, at most 64 characters.
 */
export const COHORT_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const COHORT_RULE = 'must be 1-64 lowercase letters, digits or dashes, starting with a letter or digit';

export function isCohort(value: unknown): value is string {
  return typeof value === 'string' && COHORT_PATTERN.test(value);
}
