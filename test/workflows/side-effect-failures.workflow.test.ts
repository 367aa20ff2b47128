/**
 * Poison pills, end to end: onboardings started directly through the Temporal client (the API
 * would refuse these values at the door) on the dev server, with the REAL activities against
 * the test PostgreSQL and a real SMTP server. A value PostgreSQL refuses, or a recipient the
 * mail server rejects, is recorded once and the read model, the audit log and the mail go on.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  getStateQuery,
  ONBOARDING_WORKFLOW_TYPE,
  recordMilestoneUpdate,
} from '../../src/contracts/onboarding.contract';
import type { OnboardingInput } from '../../src/domain/onboarding';
import { loadSettings } from '../../src/config/settings';
import { upsertCsms } from '../../src/persistence/csm-roster';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { createOnboardingWorker } from '../../worker/create-worker';
import { onboardingInput, TEST_CSMS } from '../fixtures/onboarding-input';
import { eventually } from '../support/api-harness';
import { until } from '../support/journey-driver';
import { type SmtpInbox, startSmtpInbox } from '../support/smtp-inbox';
import { testEnv, workflowBundle, testPayloadCodec } from '../support/test-env';
import { startTestWorker, type TestWorker } from '../support/test-worker';

jest.setTimeout(60_000);

let dataSource: DataSource;
let inbox: SmtpInbox;
let temporal: TestWorker;
const taskQueue = `side-effects-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions(testEnv('databaseUrl'))).initialize();
  await upsertCsms(dataSource, TEST_CSMS);
  inbox = await startSmtpInbox({ refuse: { 'gone@customer.example': 550 } });
  temporal = await startTestWorker(
    (connection) =>
      createOnboardingWorker({
        connection,
        namespace: 'default',
        taskQueue,
        dataSource,
        maxCachedWorkflows: 10,
        workflowBundle: workflowBundle(),
        notifications: { ...loadSettings({}), smtpUrl: inbox.url, mailFrom: 'Onboarding <onboarding@vendor.example>' },
        migrationPlatformUrl: 'http://127.0.0.1:9',
        payloadCodec: testPayloadCodec(),
      }),
    { payloadCodec: testPayloadCodec() },
  );
});

afterAll(async () => {
  await temporal?.close();
  await inbox?.close();
  await dataSource?.destroy();
});

const start = (input: OnboardingInput) =>
  temporal.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: input.onboardingId,
    args: [input],
  });
const row = async (id: string) => (await dataSource.query(`SELECT * FROM onboardings WHERE id = $1`, [id]))[0];
const auditOf = (id: string): Promise<Array<{ seq: number; actor: string; action: string; details: any }>> =>
  dataSource.query(`SELECT seq, actor, action, details FROM audit_log WHERE onboarding_id = $1 ORDER BY seq`, [id]);
const mailTo = (address: string, subject: RegExp) =>
  inbox.messages.filter((m) => m.envelope.to.includes(address) && subject.test(m.mail.subject ?? ''));

it('keeps projecting, auditing and mailing an onboarding whose account name and actor PostgreSQL refuses (a NUL character)', async () => {
  const input = onboardingInput(`poison-${randomUUID().slice(0, 8)}`, 'mid-market');
  input.account.name = 'Acme\u0000Bank';
  const handle = await start(input);

  // The projection and the CSM's mail carried the name: refused, recorded, written without the NUL.
  const refused = await until(
    handle,
    (s) => (s.sideEffectFailures ?? []).some((f) => f.effect === 'projection') && !!s.csm,
  );
  expect(refused.sideEffectFailures).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        effect: 'projection',
        type: 'PermanentWriteFailure',
        code: '22021',
        fallback: 'sanitised',
      }),
      expect.objectContaining({
        effect: 'message',
        type: 'PermanentWriteFailure',
        code: '22021',
        fallback: 'sanitised',
      }),
    ]),
  );
  expect(refused.atRisk).toBe(true);
  expect(refused.atRiskReasons).toContainEqual(
    expect.stringMatching(
      /^projection refused 1 time\(s\) since .* \(PermanentWriteFailure 22021; stored without the refused characters\)$/,
    ),
  );
  // The state keeps the value as it came: only the stored copies lose the character.
  expect(refused.account.name).toBe('Acme\u0000Bank');

  // The NEXT change: a milestone reported by an actor with a NUL (the audit log refuses it too).
  await handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone: 'first-login', actor: 'csm:\u0000ana' }] });
  const after = await until(handle, (s) => (s.sideEffectFailures ?? []).some((f) => f.effect === 'audit'));
  expect(after.sideEffectFailures).toContainEqual(
    expect.objectContaining({ effect: 'audit', code: '22021', fallback: 'sanitised' }),
  );

  // The read model moved on: the latest revision, the milestone, the failure among the at-risk reasons.
  const projected = await eventually(async () => {
    const r = await row(input.onboardingId);
    const latest = await handle.query(getStateQuery);
    return r && r.revision === latest.revision && r.milestones.some((m: any) => m.key === 'first-login' && m.achievedAt)
      ? r
      : undefined;
  });
  expect(projected).toMatchObject({ account_name: 'AcmeBank', at_risk: true, waiting_on: 'customer-task' });
  expect(projected.at_risk_reasons).toContainEqual(expect.stringMatching(/^projection refused \d+ time\(s\)/));
  expect(projected.milestones.find((m: any) => m.key === 'first-login').recordedBy).toBe('csm:ana');

  // The audit log has every entry, the refused batch without the NUL, and the refusals themselves.
  const entries = await eventually(async () => {
    const rows = await auditOf(input.onboardingId);
    return rows.some((e) => e.action === 'side-effect-failed' && e.details.effect === 'audit') ? rows : undefined;
  });
  expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
  expect(entries.find((e) => e.action === 'milestone-recorded')).toMatchObject({ actor: 'csm:ana' });
  expect(
    entries
      .filter((e) => e.action === 'side-effect-failed')
      .map((e) => e.details.effect)
      .sort(),
  ).toEqual(['audit', 'message', 'projection']);

  // The NEXT mails went out (without the NUL), and cs-ops heard of each kind of refusal once.
  await eventually(async () =>
    mailTo(after.csm!.email, /^Nice work, AcmeBank: First login$/).length === 1 ? true : undefined,
  );
  const alerts = await eventually(async () => {
    const found = mailTo('cs-ops@onboarding.example', /^\[Ops\]/);
    return found.length === 3 ? found : undefined;
  });
  expect(alerts.map((m) => m.mail.subject).sort()).toEqual([
    `[Ops] audit of ${input.onboardingId} refused: PermanentWriteFailure 22021`,
    `[Ops] message of ${input.onboardingId} refused: PermanentWriteFailure 22021`,
    `[Ops] projection of ${input.onboardingId} refused: PermanentWriteFailure 22021`,
  ]);
  await handle.terminate('test over');
});

it('records a recipient the mail server refuses for good and goes on mailing the others', async () => {
  const input = onboardingInput(`refused-${randomUUID().slice(0, 8)}`, 'mid-market');
  input.handoff.stakeholders = [
    { name: 'Dana Whitfield', role: 'CFO', email: 'gone@customer.example', executiveSponsor: true },
  ];
  const handle = await start(input);

  // The tech-touch welcome goes to the customer only: refused (550), nothing to fall back on.
  const refused = await until(handle, (s) => (s.sideEffectFailures ?? []).some((f) => f.type === 'MessageRefused'));
  expect(refused.sideEffectFailures).toEqual([
    expect.objectContaining({
      effect: 'message',
      type: 'MessageRefused',
      code: '550',
      fallback: 'none',
      lastItem: `${input.onboardingId}:welcome`,
    }),
  ]);
  expect(refused.atRiskReasons).toContainEqual(expect.stringContaining('(MessageRefused 550; not delivered)'));

  await handle.executeUpdate(recordMilestoneUpdate, { args: [{ milestone: 'first-login', actor: 'csm:ana' }] });
  const csm = refused.csm!.email;
  const milestoneMail = await eventually(
    async () => mailTo(csm, new RegExp(`^Nice work, Account ${input.account.id}: First login$`))[0],
  );
  expect(milestoneMail.envelope.to).toEqual([csm]);
  const alert = await eventually(
    async () =>
      mailTo(
        'cs-ops@onboarding.example',
        new RegExp(`^\\[Ops\\] message of ${input.onboardingId} refused: MessageRefused 550$`),
      )[0],
  );
  expect(alert.mail.text).not.toContain('gone@customer.example');
  await handle.terminate('test over');
});
