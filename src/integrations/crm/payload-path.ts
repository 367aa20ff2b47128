/**
 * Paths into a CRM's JSON payload: dotted property names with array indexes, as in
 * `properties.amount`, `contacts[0].email` or `[0].objectId` (HubSpot posts arrays of events).
 * Read on own properties only, so a path never reaches `__proto__` or a prototype's members.
 */
export type PathStep = string | number;

const SEGMENT = /^([A-Za-z0-9_$-]*)((?:\[\d{1,6}\])*)$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** The steps of a path, or undefined when it is not one this syntax allows. */
export function parsePayloadPath(path: string): PathStep[] | undefined {
  if (path.length === 0 || path.length > 300) return undefined;
  const steps: PathStep[] = [];
  const segments = path.split('.');
  for (const [i, segment] of segments.entries()) {
    const m = SEGMENT.exec(segment);
    if (!m) return undefined;
    const [, name, indexes] = m;
    // Only the first segment may be a bare index (`[0].objectId`); `a..b` and `a.` are typos.
    if (name === '' && (i > 0 || indexes === '')) return undefined;
    if (FORBIDDEN.has(name)) return undefined;
    if (name !== '') steps.push(name);
    for (const index of indexes.matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}

/** The value at a (valid) path, or undefined when any step is missing. */
export function readPayloadPath(payload: unknown, steps: readonly PathStep[]): unknown {
  let at: unknown = payload;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(at) || step >= at.length) return undefined;
      at = at[step];
    } else {
      if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}
