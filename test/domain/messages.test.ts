/**
 * Message rendering is pure and runs in the workflow: tokens, recipients, the default templates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { DEFAULT_PLAYBOOKS } from '../../src/domain/default-playbooks';
import { messageFor, renderMessage, renderTemplate } from '../../src/domain/messages';
import type { MessageTemplate } from '../../src/domain/playbook';
import { TIERS } from '../../src/domain/segment';

describe('renderTemplate', () => {
  it('fills tokens from nested paths, with or without spaces inside the braces', () => {
    const context = { account: { name: 'Northwind Bank', owner: { name: 'Ana' } }, tier: 'high-touch' };
    expect(renderTemplate('{{account.name}} ({{ tier }}) by {{  account.owner.name  }}', context)).toBe(
      'Northwind Bank (high-touch) by Ana',
    );
  });

  it('joins arrays with ", " and formats numbers, booleans and dates', () => {
    const context = { missing: ['goals', 'targetGoLive'], level: 2, kyc: false, at: new Date('2026-03-02T10:00:00Z') };
    expect(renderTemplate('Missing: {{missing}}. L{{level}} kyc={{kyc}} at {{at}}', context)).toBe(
      'Missing: goals, targetGoLive. L2 kyc=false at 2026-03-02T10:00:00.000Z',
    );
  });

  it('renders missing values, nulls, objects and prototype names as empty strings', () => {
    const context = { account: { name: 'X', nothing: null } };
    expect(
      renderTemplate(
        '[{{nope}}|{{account.nope.deeper}}|{{account.nothing}}|{{account}}|{{constructor}}|{{account.name.length}}]',
        context,
      ),
    ).toBe('[|||||]');
  });

  it('leaves text without tokens, and does not escape HTML or expand tokens inside values', () => {
    const context = { account: { name: '<b>Smith & Sons</b> {{secret}}' }, secret: 'leaked' };
    expect(renderTemplate('Hello {{account.name}} {not a token} {{}}', context)).toBe(
      'Hello <b>Smith & Sons</b> {{secret}} {not a token} {{}}',
    );
  });
});

describe('renderMessage', () => {
  const template: MessageTemplate = {
    event: 'completed',
    to: ['csm', 'customer'],
    subject: 'Onboarding of {{account.name}} is complete',
    body: 'Done, {{csm.name}}.',
  };
  const base = {
    template,
    key: 'onboarding-a:completed',
    onboardingId: 'onboarding-a',
    context: { account: { name: 'Acme' }, csm: { name: 'Ana' } },
  };

  it('renders subject and body and sends to the union of the roles, in order, each address once', () => {
    const message = renderMessage({
      ...base,
      directory: {
        csm: ['ana@cs.example'],
        customer: ['dana@acme.example', 'ANA@cs.example', ' ravi@acme.example '],
        'cs-lead': ['lead@cs.example', 'dana@acme.example'],
        'vp-cs': ['vp@cs.example'],
      },
      extraRoles: ['cs-lead', 'csm'],
    });
    expect(message).toEqual({
      key: 'onboarding-a:completed',
      onboardingId: 'onboarding-a',
      event: 'completed',
      to: ['ana@cs.example', 'dana@acme.example', 'ravi@acme.example', 'lead@cs.example'],
      subject: 'Onboarding of Acme is complete',
      body: 'Done, Ana.',
    });
  });

  it('returns undefined when no role has an address', () => {
    expect(
      renderMessage({ ...base, directory: { 'vp-cs': ['vp@cs.example'], csm: [], customer: [' '] } }),
    ).toBeUndefined();
    expect(
      renderMessage({ ...base, template: { ...template, to: [] }, directory: { csm: ['ana@cs.example'] } }),
    ).toBeUndefined();
  });

  it('reaches roles only named in extraRoles (task owners, escalation levels)', () => {
    const message = renderMessage({
      ...base,
      template: { ...template, to: [] },
      directory: { 'cs-lead': ['lead@cs.example'] },
      extraRoles: ['cs-lead'],
    });
    expect(message?.to).toEqual(['lead@cs.example']);
  });

  it('keeps the subject on one line when a value has line breaks', () => {
    const message = renderMessage({
      ...base,
      context: { account: { name: 'Acme\r\nBcc: x@evil.example' } },
      directory: { csm: ['a@b.example'] },
    });
    expect(message?.subject).toBe('Onboarding of Acme Bcc: x@evil.example is complete');
  });
});

describe('default playbooks', () => {
  const context = {
    account: { name: 'Northwind Bank' },
    customer: { name: 'Dana Whitfield' },
    csm: { name: 'Ana Lopez' },
  };
  const directory = { customer: ['dana@northwind.example'], csm: ['ana@cs.example'] };

  it.each(TIERS)("renders the %s playbook's welcome message completely", (tier) => {
    const template = messageFor(DEFAULT_PLAYBOOKS[tier].messages, 'welcome');
    expect(template).toBeDefined();
    const message = renderMessage({ template: template!, key: `k:${tier}`, onboardingId: 'o', context, directory })!;
    expect(message.to).toContain('dana@northwind.example');
    expect(message.subject).toContain('Northwind Bank');
    expect(message.body).toContain('Dana Whitfield');
    expect(`${message.subject}\n${message.body}`).not.toMatch(/\{\{|\}\}/);
  });

  it('gives each tier its own welcome subject', () => {
    const subjects = TIERS.map((tier) =>
      renderTemplate(messageFor(DEFAULT_PLAYBOOKS[tier].messages, 'welcome')!.subject, context),
    );
    expect(new Set(subjects).size).toBe(TIERS.length);
  });

  it('finds no template for an event the playbook does not define', () => {
    expect(messageFor([], 'welcome')).toBeUndefined();
    expect(messageFor(DEFAULT_PLAYBOOKS['self-service'].messages, 'stalled')?.to).toEqual(['csm']);
  });
});

it('is pure: no package at all, and at run time only src/domain (types may come from src/contracts)', () => {
  const root = path.resolve(__dirname, '../..');
  const domain = path.join(root, 'src/domain');
  const contracts = path.join(root, 'src/contracts');
  const problems: string[] = [];
  const queue = [path.join(domain, 'messages.ts')];
  const seen = new Set<string>();
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      const specifier = (statement.moduleSpecifier as ts.StringLiteral | undefined)?.text;
      if (!specifier) continue;
      const where = `${path.relative(root, file)} imports '${specifier}'`;
      if (!specifier.startsWith('.')) {
        problems.push(`${where}: a package`);
        continue;
      }
      const target = `${path.resolve(path.dirname(file), specifier)}.ts`;
      const typeOnly = ts.isImportDeclaration(statement) ? !!statement.importClause?.isTypeOnly : statement.isTypeOnly;
      const inDomain = target.startsWith(domain + path.sep);
      if (!inDomain && !(typeOnly && target.startsWith(contracts + path.sep)))
        problems.push(`${where}: outside src/domain`);
      queue.push(target);
    }
  }
  expect(problems).toEqual([]);
});

describe('operational messages', () => {
  it('mails the CS lead about a full roster and cs-ops about a refused side effect even when the playbook predates those events', () => {
    const olderPlaybook = DEFAULT_PLAYBOOKS['high-touch'].messages.filter(
      (t) => t.event !== 'no-csm-capacity' && t.event !== 'side-effect-failed',
    );
    expect(messageFor(olderPlaybook, 'no-csm-capacity')?.to).toEqual(['cs-lead']);
    expect(messageFor(olderPlaybook, 'side-effect-failed')?.to).toEqual(['cs-ops']);
    // Journey messages stay the playbook's own: none in the playbook, none sent.
    expect(messageFor([], 'welcome')).toBeUndefined();
  });
});
