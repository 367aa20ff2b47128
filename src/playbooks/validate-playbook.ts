import { type z } from 'zod';
import type { Playbook } from '../domain/playbook';
import { ROLES } from '../domain/roles';
import { type PlaybookError, playbookRuleErrors } from './playbook-rules';
import { playbookSchema } from './playbook-schema';

export type { PlaybookError } from './playbook-rules';

export type PlaybookValidation = { ok: true; playbook: Playbook } | { ok: false; errors: PlaybookError[] };

/**
 * Checks a playbook definition from outside (API body, file, database) and reports every
 * problem at once, each with its path. Zod and src/domain only, so it runs anywhere except
 * workflows/: the workflow receives playbooks that were validated before they were stored.
 */
export function validatePlaybook(input: unknown): PlaybookValidation {
  const parsed = playbookSchema.safeParse(input, { error: describeIssue });
  const errors = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap(toPlaybookErrors)),
    ...playbookRuleErrors(input),
  ];
  if (parsed.success && errors.length === 0) return { ok: true, playbook: parsed.data };
  return { ok: false, errors };
}

/** `['tasks', 3, 'dependsOn', 0]` -> `tasks[3].dependsOn[0]`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      const name = String(part);
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return i === 0 ? name : `.${name}`;
    })
    .join('');
}

/** Unknown keys come as one issue per object; they are reported one per key. */
function toPlaybookErrors(issue: z.core.$ZodIssue): PlaybookError[] {
  if (issue.code !== 'unrecognized_keys') return [{ path: formatPath(issue.path), message: issue.message }];
  const inContacts = issue.path.length === 1 && issue.path[0] === 'contacts';
  return issue.keys.map((key) => ({
    path: formatPath([...issue.path, key]),
    message: inContacts
      ? `contacts keys must be roles: "${key}" is not one of ${ROLES.join(', ')}`
      : `unknown key "${key}"`,
  }));
}

/** Messages for people editing a playbook (or a segmentation rule), rather than zod's generic ones. */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      // zod 4 reports a missing enum field as a value outside the list.
      if (issue.input === undefined) return 'required';
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'number')
        return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${issue.minimum}, got ${issue.input}`;
      return undefined;
    case 'invalid_format':
      if (issue.format === 'email') return `must be an e-mail address, got ${describeValue(issue.input)}`;
      return undefined;
    default:
      return undefined;
  }
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
