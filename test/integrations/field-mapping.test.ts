import { GENERIC_DEFAULT_MAPPING, HUBSPOT_DEFAULT_MAPPING } from '../../src/integrations/crm/default-mappings';
import {
  type FieldMapping,
  fieldMappingSchema,
  mapClosedWon,
  mapDeliveryId,
} from '../../src/integrations/crm/field-mapping';
import { parsePayloadPath, readPayloadPath } from '../../src/integrations/crm/payload-path';
import { hubspotDealBody } from '../fixtures/crm-payloads';

describe('payload paths', () => {
  it('reads dotted names with array indexes, own properties only', () => {
    const payload = { a: { b: [{ c: 1 }, { c: 2 }] }, list: [[5]] };
    expect(readPayloadPath(payload, parsePayloadPath('a.b[1].c')!)).toBe(2);
    expect(readPayloadPath([{ id: 7 }], parsePayloadPath('[0].id')!)).toBe(7);
    expect(readPayloadPath(payload, parsePayloadPath('list[0][0]')!)).toBe(5);
    expect(readPayloadPath(payload, parsePayloadPath('a.b[2].c')!)).toBeUndefined();
    expect(readPayloadPath(payload, parsePayloadPath('a.toString')!)).toBeUndefined();
    expect(readPayloadPath('text', parsePayloadPath('length')!)).toBeUndefined();
  });

  it.each(['', 'a..b', 'a.', '.a', 'a[x]', 'a.__proto__', 'constructor.name', 'a b', 'b.[0]'])(
    'refuses %j as a path',
    (path) => {
      expect(parsePayloadPath(path)).toBeUndefined();
    },
  );
});

describe('the default mappings', () => {
  it('are valid mappings', () => {
    expect(fieldMappingSchema.safeParse(HUBSPOT_DEFAULT_MAPPING).success).toBe(true);
    expect(fieldMappingSchema.safeParse(GENERIC_DEFAULT_MAPPING).success).toBe(true);
  });

  it("turn HubSpot's deal, company, owner and contacts into the closed-won command, converting strings", () => {
    const body = hubspotDealBody({ eventId: 'evt-1', accountId: '9876' });
    expect(mapDeliveryId(HUBSPOT_DEFAULT_MAPPING, body)).toEqual({ deliveryId: 'evt-1' });
    expect(mapClosedWon(HUBSPOT_DEFAULT_MAPPING, body)).toEqual({
      command: {
        account: { id: '9876', name: 'Northwind Bank' },
        arr: 300000,
        complexity: 'low',
        closedWonAt: '2026-11-27T00:00:00.000Z',
        salesOwner: { name: 'Sam Carter', email: 'sam.carter@vendor.example' },
        handoff: {
          goals: ['Replace the legacy card platform', 'Cut card-issuing costs'],
          successCriteria: ['90% of card transactions on the new platform by day 90'],
          technicalRequirements: ['SSO via SAML', 'Core banking API'],
          stakeholders: [
            { name: 'Dana Whitfield', role: 'CFO', email: 'dana.whitfield@customer.example', executiveSponsor: true },
            { name: 'Ravi Menon', role: 'Head of IT', email: 'ravi.menon@customer.example' },
          ],
          salesPromises: ['Dedicated migration rehearsal'],
          targetGoLive: '2027-03-01T00:00:00.000Z',
          complianceScope: { dataResidency: 'EU', kycRequired: true, frameworks: ['PCI-DSS', 'SOC2'] },
          migrationScope: 'Accounts, cards and 24 months of payment history',
        },
      },
    });
  });

  it('leave out optional fields the CRM does not send (null, empty string, absent)', () => {
    const body = hubspotDealBody({ eventId: 'evt-2', accountId: '1' });
    body.properties.onboarding_goals = '';
    body.properties.closedate = null as unknown as string;
    delete (body as Partial<typeof body>).contacts;
    const result = mapClosedWon(HUBSPOT_DEFAULT_MAPPING, body);
    expect('command' in result && result.command).toMatchObject({
      handoff: expect.not.objectContaining({ goals: expect.anything() }),
    });
    expect('command' in result && result.command.closedWonAt).toBeUndefined();
    expect('command' in result && (result.command.handoff as any).stakeholders).toBeUndefined();
  });
});

describe('fields the mapping cannot fill', () => {
  it('are each named with the path that had no value, or whose value is of the wrong kind', () => {
    const body = hubspotDealBody({ eventId: 'evt-3', accountId: '1' });
    delete (body.company as Partial<typeof body.company>).hs_object_id;
    body.properties.amount = 'a lot';
    body.properties.onboarding_kyc_required = 'maybe';
    (body.contacts[1] as Partial<(typeof body.contacts)[1]>).jobtitle = '';
    expect(mapClosedWon(HUBSPOT_DEFAULT_MAPPING, body)).toEqual({
      errors: [
        { path: 'account.id', message: 'account.id: no value at company.hs_object_id' },
        { path: 'arr', message: 'arr: the value at properties.amount is not a number' },
        {
          path: 'handoff.stakeholders[1].role',
          message: 'handoff.stakeholders[1].role: no value at contacts[1].jobtitle',
        },
        {
          path: 'handoff.complianceScope.kycRequired',
          message:
            'handoff.complianceScope.kycRequired: the value at properties.onboarding_kyc_required is not true or false',
        },
      ],
    });
  });

  it('take the first of several paths that has a value, and name them all when none has', () => {
    const mapping: FieldMapping = {
      fields: {
        ...GENERIC_DEFAULT_MAPPING.fields,
        'account.id': { path: ['data.account.crmId', 'data.account.id'] },
      },
    };
    const ok = mapClosedWon(mapping, {
      data: { account: { id: 42, name: 'A' }, deal: { owner: { name: 'S', email: 's@x.example' } } },
    });
    expect('command' in ok && ok.command.account).toEqual({ id: '42', name: 'A' });
    expect(mapClosedWon(mapping, { data: {} })).toMatchObject({
      errors: expect.arrayContaining([
        { path: 'account.id', message: 'account.id: no value at data.account.crmId or data.account.id' },
      ]),
    });
  });

  it('includes a delivery id the body lacks', () => {
    expect(mapDeliveryId(HUBSPOT_DEFAULT_MAPPING, { properties: {} })).toEqual({
      errors: [{ path: 'deliveryId', message: 'deliveryId: no value at eventId' }],
    });
  });
});

describe('a mapping document', () => {
  it('must name the required fields, known fields only, with valid paths', () => {
    const result = fieldMappingSchema.safeParse({
      fields: { 'account.name': 'a..b', 'salesOwner.name': 'x', 'salesOwner.email': 'y', 'account.nmae': 'z' },
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    expect(messages).toContain('fields.account.id');
    expect(messages).toContain('fields.account.name: must be a path like properties.amount or contacts[0].email');
    expect(messages).toContain('account.nmae');
  });
});
