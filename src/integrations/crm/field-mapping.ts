import { z } from 'zod';
import { parsePayloadPath, type PathStep, readPayloadPath } from './payload-path';

/**
 * A field mapping: data that says where in a CRM's webhook payload each field of the closed-won
 * command is found. The conversion follows from the field (`arr` is a number, `closedWonAt` a
 * date...), so a mapping names paths only. What the mapping cannot fill is reported by field, and
 * what it fills is then checked by the closed-won command's own rules (the API's DTO).
 */

/** How a field's value is read from the CRM's: by what the closed-won command expects there. */
type Conversion = 'text' | 'number' | 'boolean' | 'date' | 'list' | 'people';

const FIELDS = {
  'account.id': 'text',
  'account.name': 'text',
  segment: 'text',
  arr: 'number',
  complexity: 'text',
  closedWonAt: 'date',
  'salesOwner.name': 'text',
  'salesOwner.email': 'text',
  'handoff.goals': 'list',
  'handoff.successCriteria': 'list',
  'handoff.technicalRequirements': 'list',
  'handoff.stakeholders': 'people',
  'handoff.salesPromises': 'list',
  'handoff.targetGoLive': 'date',
  'handoff.complianceScope.dataResidency': 'text',
  'handoff.complianceScope.kycRequired': 'boolean',
  'handoff.complianceScope.frameworks': 'list',
  'handoff.migrationScope': 'text',
} as const satisfies Record<string, Conversion>;

export type CommandField = keyof typeof FIELDS;
export const COMMAND_FIELDS = Object.keys(FIELDS) as CommandField[];
/** Without these no closed-won command can be made: a mapping must say where they are. */
const REQUIRED_FIELDS = ['account.id', 'account.name', 'salesOwner.name', 'salesOwner.email'] as const;

const STAKEHOLDER_FIELDS = { name: 'text', role: 'text', email: 'text', executiveSponsor: 'boolean' } as const;

const payloadPath = z
  .string()
  .refine((p) => parsePayloadPath(p) !== undefined, 'must be a path like properties.amount or contacts[0].email');

/**
 * Where one field is: a path, or `{ path, optional }` where `path` may list alternatives (the
 * first with a value wins). A required field without a value makes the delivery a 422.
 */
const fieldSource = z.union([
  payloadPath,
  z.strictObject({
    path: z.union([payloadPath, z.array(payloadPath).min(1).max(10)]),
    optional: z.boolean().optional(),
  }),
]);

/** A list of people (the handoff's stakeholders): the list's path, and each field's path within an item. */
const peopleSource = z.strictObject({
  path: payloadPath,
  optional: z.boolean().optional(),
  each: z.strictObject({
    name: fieldSource,
    role: fieldSource,
    email: fieldSource.optional(),
    executiveSponsor: fieldSource.optional(),
  }),
});

type PeopleSource = z.infer<typeof peopleSource>;
export type FieldSource = z.infer<typeof fieldSource>;
/** Each field of the command, where it is; the required ones must be named. */
export type MappingFields = {
  [K in CommandField]?: (typeof FIELDS)[K] extends 'people' ? PeopleSource : FieldSource;
} & { [K in (typeof REQUIRED_FIELDS)[number]]: FieldSource };

// Built from FIELDS, so a field added to the command is one line there; typed by hand, since zod cannot infer it.
const fields = z.strictObject(
  Object.fromEntries(
    COMMAND_FIELDS.map((field) => {
      const schema = FIELDS[field] === 'people' ? peopleSource : fieldSource;
      return [field, (REQUIRED_FIELDS as readonly string[]).includes(field) ? schema : schema.optional()];
    }),
  ),
) as unknown as z.ZodType<MappingFields>;

export const fieldMappingSchema = z.strictObject({
  /** Where the delivery id is, for CRMs that send it in the body (HubSpot); others send a header. */
  deliveryId: fieldSource.optional(),
  fields,
});

export type FieldMapping = z.infer<typeof fieldMappingSchema>;

export interface MappingError {
  /** The closed-won field, as the API names it (`account.id`, `handoff.stakeholders[0].email`). */
  path: string;
  message: string;
}

export type MappingResult = { command: Record<string, unknown> } | { errors: MappingError[] };

/** Turns a CRM payload into a closed-won command (a plain object, for the DTO to check), or says which fields it cannot fill. */
export function mapClosedWon(mapping: FieldMapping, payload: unknown): MappingResult {
  const command: Record<string, unknown> = { account: {}, salesOwner: {}, handoff: {} };
  const errors: MappingError[] = [];
  for (const field of COMMAND_FIELDS) {
    const source = mapping.fields[field];
    if (source === undefined) continue;
    const read =
      FIELDS[field] === 'people'
        ? readPeople(source as PeopleSource, payload, field)
        : readField(source as FieldSource, FIELDS[field], payload, field);
    if ('errors' in read) errors.push(...read.errors);
    else if (read.value !== undefined) setAt(command, field, read.value);
  }
  return errors.length ? { errors } : { command };
}

/** The delivery id a mapping reads from the body, as text; errors name `deliveryId`. */
export function mapDeliveryId(
  mapping: FieldMapping,
  payload: unknown,
): { deliveryId: string } | { errors: MappingError[] } {
  if (!mapping.deliveryId) return { errors: [{ path: 'deliveryId', message: 'the mapping names no deliveryId path' }] };
  const read = readField(mapping.deliveryId, 'text', payload, 'deliveryId');
  if ('errors' in read) return read;
  if (read.value === undefined) return { errors: [{ path: 'deliveryId', message: 'deliveryId: no value' }] };
  return { deliveryId: read.value as string };
}

type Read = { value: unknown } | { errors: MappingError[] };

function readField(source: FieldSource, conversion: Conversion, payload: unknown, field: string, base = ''): Read {
  const { paths, optional } = typeof source === 'string' ? { paths: [source], optional: false } : normalise(source);
  for (const path of paths) {
    const raw = readPayloadPath(payload, parsePayloadPath(path)!);
    if (isMissing(raw)) continue;
    const value = convert(raw, conversion);
    if (value === undefined)
      return { errors: [{ path: field, message: `${field}: the value at ${base}${path} is not ${NOUN[conversion]}` }] };
    return { value };
  }
  if (optional) return { value: undefined };
  const where = paths.map((p) => `${base}${p}`).join(' or ');
  return { errors: [{ path: field, message: `${field}: no value at ${where}` }] };
}

function readPeople(source: PeopleSource, payload: unknown, field: string): Read {
  const raw = readPayloadPath(payload, parsePayloadPath(source.path)!);
  if (isMissing(raw)) {
    return source.optional
      ? { value: undefined }
      : { errors: [{ path: field, message: `${field}: no value at ${source.path}` }] };
  }
  if (!Array.isArray(raw))
    return { errors: [{ path: field, message: `${field}: the value at ${source.path} is not a list` }] };
  const errors: MappingError[] = [];
  const people = raw.map((item, i) => {
    const person: Record<string, unknown> = {};
    for (const [key, conversion] of Object.entries(STAKEHOLDER_FIELDS)) {
      const inner = source.each[key as keyof typeof STAKEHOLDER_FIELDS];
      if (inner === undefined) continue;
      const read = readField(inner, conversion, item, `${field}[${i}].${key}`, `${source.path}[${i}].`);
      if ('errors' in read) errors.push(...read.errors);
      else if (read.value !== undefined) person[key] = read.value;
    }
    return person;
  });
  return errors.length ? { errors } : { value: people };
}

function normalise(source: Exclude<FieldSource, string>): { paths: string[]; optional: boolean } {
  return { paths: Array.isArray(source.path) ? source.path : [source.path], optional: source.optional ?? false };
}

/** CRMs send an unset property as null or as an empty string (HubSpot does). */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

const NOUN: Record<Conversion, string> = {
  text: 'text',
  number: 'a number',
  boolean: 'true or false',
  date: 'a date',
  list: 'a list of texts',
  people: 'a list',
};

/** The value as the command wants it, or undefined when it cannot be read as such. Strings are left for the DTO to judge. */
function convert(raw: unknown, conversion: Conversion): unknown {
  switch (conversion) {
    case 'text':
      return typeof raw === 'string'
        ? raw
        : typeof raw === 'number' || typeof raw === 'boolean'
          ? String(raw)
          : undefined;
    case 'number': {
      // HubSpot sends every property as a string ("300000.00").
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim())) return raw.trim().toLowerCase() === 'true';
      return undefined;
    case 'date': {
      // HubSpot's date properties are milliseconds since the epoch; other CRMs send ISO 8601, which the DTO checks.
      const epochMs =
        typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isNaN(epochMs)) {
        const date = new Date(epochMs);
        return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
      }
      return typeof raw === 'string' ? raw.trim() : undefined;
    }
    case 'list': {
      // A multi-select property arrives as `a;b;c` (HubSpot's separator); a long text, one item per line.
      if (typeof raw === 'string')
        return raw
          .split(/[;\r\n]+/)
          .map((s) => s.trim())
          .filter(Boolean);
      if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw;
      return undefined;
    }
    case 'people':
      return undefined;
  }
}

/** Sets `a.b.c` in the command, creating the objects on the way (own, plain objects only). */
function setAt(target: Record<string, unknown>, field: string, value: unknown): void {
  const steps: PathStep[] = field.split('.');
  let at = target;
  for (const step of steps.slice(0, -1)) {
    const key = String(step);
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[String(steps[steps.length - 1])] = value;
}
