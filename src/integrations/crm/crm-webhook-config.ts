import * as fs from 'node:fs';
import { z } from 'zod';
import type { CrmWebhookSettings } from '../../config/settings';
import { type CrmSource, DEFAULT_MAPPINGS } from './default-mappings';
import { type FieldMapping, fieldMappingSchema } from './field-mapping';

/** What the CRM webhook endpoints need: per source, its secret and field mapping; absent: that endpoint answers 404. */
export interface CrmWebhookConfig {
  hubspot?: { clientSecret: string; mapping: FieldMapping; publicUrl?: string };
  generic?: { secret: string; mapping: FieldMapping };
}

/** A mapping file replaces the default mapping of each source it names, whole: a partial merge would hide what applies. */
const mappingFileSchema = z.strictObject({
  hubspot: fieldMappingSchema.optional(),
  generic: fieldMappingSchema.optional(),
});

/**
 * The endpoints' configuration from the settings; undefined when no secret is set. A mapping file
 * that does not parse or validate stops the start, naming each wrong entry: a bad mapping found
 * at the first closed-won would lose that customer's onboarding instead.
 */
export function crmWebhookConfig(settings: CrmWebhookSettings): CrmWebhookConfig | undefined {
  const mappings = settings.fieldMappingFile ? readMappingFile(settings.fieldMappingFile) : {};
  const mappingOf = (source: CrmSource) => mappings[source] ?? DEFAULT_MAPPINGS[source];
  const config: CrmWebhookConfig = {
    ...(settings.hubspotClientSecret
      ? {
          hubspot: {
            clientSecret: settings.hubspotClientSecret,
            mapping: mappingOf('hubspot'),
            publicUrl: settings.publicUrl,
          },
        }
      : {}),
    ...(settings.genericSecret ? { generic: { secret: settings.genericSecret, mapping: mappingOf('generic') } } : {}),
  };
  if (config.hubspot && !config.hubspot.mapping.deliveryId) {
    throw new Error(
      `CRM_FIELD_MAPPING_FILE ${settings.fieldMappingFile}: hubspot.deliveryId: HubSpot sends the delivery id in the body; name its path`,
    );
  }
  return config.hubspot || config.generic ? config : undefined;
}

export function readMappingFile(file: string): Partial<Record<CrmSource, FieldMapping>> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`CRM_FIELD_MAPPING_FILE ${file} cannot be read: ${(err as Error).message}`);
  }
  return parseMappingFile(text, file);
}

export function parseMappingFile(text: string, file: string): Partial<Record<CrmSource, FieldMapping>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`CRM_FIELD_MAPPING_FILE ${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = mappingFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`);
    throw new Error(`CRM_FIELD_MAPPING_FILE ${file} is not a valid field mapping: ${problems.join('; ')}`);
  }
  return parsed.data;
}
