import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSettings } from '../../src/config/settings';
import { crmWebhookConfig } from '../../src/integrations/crm/crm-webhook-config';
import { GENERIC_DEFAULT_MAPPING, HUBSPOT_DEFAULT_MAPPING } from '../../src/integrations/crm/default-mappings';

const WHSEC = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-mapping-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function mappingFile(content: unknown): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const configOf = (env: NodeJS.ProcessEnv) => crmWebhookConfig(loadSettings(env).crmWebhooks);

it('configures no endpoint without secrets, and each endpoint by its own secret with its default mapping', () => {
  expect(configOf({})).toBeUndefined();
  expect(configOf({ HUBSPOT_CLIENT_SECRET: 'hs' })).toEqual({
    hubspot: { clientSecret: 'hs', mapping: HUBSPOT_DEFAULT_MAPPING, publicUrl: undefined },
  });
  expect(configOf({ CRM_WEBHOOK_SECRET: WHSEC, CRM_WEBHOOK_PUBLIC_URL: 'https://x.example/' })).toEqual({
    generic: { secret: WHSEC, mapping: GENERIC_DEFAULT_MAPPING },
  });
  expect(
    configOf({ HUBSPOT_CLIENT_SECRET: 'hs', CRM_WEBHOOK_PUBLIC_URL: 'https://x.example/' })?.hubspot?.publicUrl,
  ).toBe('https://x.example');
});

it('refuses a CRM_WEBHOOK_SECRET that is not a Standard Webhooks secret, without quoting it', () => {
  for (const secret of ['plain-secret', 'whsec_c2hvcnQ=', `whsec_${'!'.repeat(40)}`]) {
    expect(() => loadSettings({ CRM_WEBHOOK_SECRET: secret })).toThrow(
      /^CRM_WEBHOOK_SECRET must be a Standard Webhooks secret: 'whsec_' followed by the base64 of 24 to 64 random bytes/,
    );
    expect(() => loadSettings({ CRM_WEBHOOK_SECRET: secret })).not.toThrow(secret);
  }
  expect(() => loadSettings({ CRM_WEBHOOK_PUBLIC_URL: 'ftp://x' })).toThrow(/CRM_WEBHOOK_PUBLIC_URL must be a URL/);
});

it('replaces the mapping of each source the file names, and keeps the default of the others', () => {
  const hubspot = {
    deliveryId: 'id',
    fields: { ...HUBSPOT_DEFAULT_MAPPING.fields, 'account.id': 'properties.account_id' },
  };
  const config = configOf({
    HUBSPOT_CLIENT_SECRET: 'hs',
    CRM_WEBHOOK_SECRET: WHSEC,
    CRM_FIELD_MAPPING_FILE: mappingFile({ hubspot }),
  });
  expect(config?.hubspot?.mapping).toEqual(hubspot);
  expect(config?.generic?.mapping).toEqual(GENERIC_DEFAULT_MAPPING);
});

it('stops the start with a clear error for a mapping file that is missing, not JSON, or not a valid mapping', () => {
  const env = (file: string) => ({ HUBSPOT_CLIENT_SECRET: 'hs', CRM_FIELD_MAPPING_FILE: file });
  expect(() => configOf(env(path.join(dir, 'absent.json')))).toThrow(
    /CRM_FIELD_MAPPING_FILE .*absent.json cannot be read/,
  );
  expect(() => configOf(env(mappingFile('{ nope')))).toThrow(/is not JSON/);
  const bad = mappingFile({
    hubspot: { deliveryId: 'eventId', fields: { 'account.id': 'a..b', 'account.name': 'n', 'salesOwner.name': 'o' } },
    pipedrive: {},
  });
  const message = (() => {
    try {
      configOf(env(bad));
      return '';
    } catch (err) {
      return (err as Error).message;
    }
  })();
  expect(message).toContain(`CRM_FIELD_MAPPING_FILE ${bad} is not a valid field mapping`);
  expect(message).toContain('hubspot.fields.account.id: must be a path like properties.amount');
  expect(message).toContain('hubspot.fields.salesOwner.email');
  expect(message).toContain('pipedrive');
});

it('requires a HubSpot mapping to say where the delivery id is', () => {
  const file = mappingFile({ hubspot: { fields: HUBSPOT_DEFAULT_MAPPING.fields } });
  expect(() => configOf({ HUBSPOT_CLIENT_SECRET: 'hs', CRM_FIELD_MAPPING_FILE: file })).toThrow(
    /hubspot.deliveryId: HubSpot sends the delivery id in the body/,
  );
});
