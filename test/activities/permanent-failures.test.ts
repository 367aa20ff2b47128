/**
 * Which failures retrying cannot fix, judged on the errors the real drivers throw: pg through
 * TypeORM against the test PostgreSQL, nodemailer against a real SMTP server that refuses some
 * recipients, and servers that are not there at all.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { createNotificationActivities } from '../../activities/notification.activities';
import { permanentFailureOf, postgresFailureKind, smtpFailureKind } from '../../activities/permanent-failures';
import { createReadModelActivities } from '../../activities/read-model.activities';
import { createMailer } from '../../src/infra/mailer';
import { assignCsm } from '../../src/domain/commands';
import { startOnboarding } from '../../src/domain/onboarding';
import { waitingOn } from '../../src/domain/waiting-on';
import { dataSourceOptions } from '../../src/persistence/data-source';
import { onboardingInput } from '../fixtures/onboarding-input';
import { freePort } from '../support/free-port';
import { type SmtpInbox, startSmtpInbox } from '../support/smtp-inbox';
import { testEnv } from '../support/test-env';

let dataSource: DataSource;
let inbox: SmtpInbox;

beforeAll(async () => {
  dataSource = await new DataSource(dataSourceOptions(testEnv('databaseUrl'))).initialize();
  await dataSource.query(
    `CREATE TABLE IF NOT EXISTS failure_probe (code varchar(3) CHECK (code <> 'bad'), csm text REFERENCES csms (id))`,
  );
  inbox = await startSmtpInbox({ refuse: { 'gone@customer.example': 550, 'busy@customer.example': 451 } });
});

afterAll(async () => {
  await dataSource?.query(`DROP TABLE IF EXISTS failure_probe`);
  await dataSource?.destroy();
  await inbox?.close();
});

/** The error `promise` rejects with. */
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => Promise.reject(new Error('expected a failure')),
    (e: unknown) => e,
  );

describe('PostgreSQL', () => {
  it.each([
    ['a NUL character in text', '22021', `SELECT $1::text`, ['Acme\u0000Bank']],
    ['a NUL character in jsonb', '22P05', `SELECT $1::jsonb`, [JSON.stringify({ actor: 'csm:\u0000ana' })]],
    ['a value too long', '22001', `INSERT INTO failure_probe (code) VALUES ($1)`, ['abcd']],
    ['a check violation', '23514', `INSERT INTO failure_probe (code) VALUES ($1)`, ['bad']],
    ['a foreign-key violation', '23503', `INSERT INTO failure_probe (csm) VALUES ($1)`, ['csm-nobody']],
  ])('refuses %s for good (SQLSTATE %s)', async (_what, code, sql, params) => {
    const err = await errorOf(dataSource.query(sql, params));
    expect(postgresFailureKind(err)).toBe('permanent');
    const failure = permanentFailureOf(err, 'probe')!;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({
      type: 'PermanentWriteFailure',
      nonRetryable: true,
      details: [{ system: 'postgresql', code }],
    });
    expect(failure.message).toContain(`SQLSTATE ${code}`);
    // The refused data never travels in the failure (it may be personal, and it cannot be stored).
    expect(failure.message).not.toMatch(/Acme|ana|abcd|csm-nobody/);
    expect(failure.cause).toBeUndefined();
  });

  it('keeps retrying a server that is down or a query that is wrong', async () => {
    const down = new PgClient({
      connectionString: `postgres://nobody@127.0.0.1:${await freePort()}/none`,
      connectionTimeoutMillis: 2_000,
    });
    const refused = await errorOf(down.connect());
    expect(postgresFailureKind(refused)).toBe('transient');
    expect(permanentFailureOf(refused, 'probe')).toBeUndefined();
    // 42P01, undefined table: a bug or a missing migration, fixed by a deployment, not by giving up.
    expect(postgresFailureKind(await errorOf(dataSource.query(`SELECT * FROM no_such_table`)))).toBe('transient');
    expect(postgresFailureKind(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe('transient');
  });

  it('makes the projection of a state with a NUL in the account name fail without retry', async () => {
    const input = onboardingInput(`poison-${randomUUID().slice(0, 8)}`, 'mid-market');
    input.account.name = 'Acme\u0000Bank';
    const state = assignCsm(
      startOnboarding(input, new Date()),
      input.playbook,
      { id: 'csm-x', name: 'X', email: 'x@vendor.example' },
      new Date(),
    );
    const { outbox: _outbox, ...rest } = state;
    const projection = { state: rest, waitingOn: waitingOn(state, input.playbook), atRiskReasons: [] };
    const err = await errorOf(createReadModelActivities(dataSource).projectOnboarding(projection));
    expect(err).toMatchObject({ type: 'PermanentWriteFailure', nonRetryable: true, details: [{ code: '22021' }] });
  });
});

describe('SMTP', () => {
  const send = (to: string[], smtpUrl = inbox.url) =>
    createMailer({ smtpUrl }).sendMail({ from: 'onboarding@vendor.example', to, subject: 'Hello', text: 'Hello' });

  it('refuses a recipient the server rejects with 550 for good, naming the code but not the address', async () => {
    const err = await errorOf(send(['gone@customer.example']));
    expect(err).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    expect(smtpFailureKind(err)).toBe('permanent');
    const failure = permanentFailureOf(err, 'message')!;
    expect(failure).toMatchObject({
      type: 'MessageRefused',
      nonRetryable: true,
      details: [{ system: 'smtp', code: '550' }],
    });
    expect(failure.message).not.toContain('gone@customer.example');
  });

  it('keeps retrying a 5xx at login or greeting: a configuration to fix, not a message to drop', () => {
    expect(smtpFailureKind(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 }))).toBe(
      'transient',
    );
    expect(smtpFailureKind(Object.assign(new Error('no service'), { code: 'EPROTOCOL', responseCode: 554 }))).toBe(
      'transient',
    );
    expect(smtpFailureKind(Object.assign(new Error('too big'), { code: 'EMESSAGE', responseCode: 552 }))).toBe(
      'permanent',
    );
  });

  it('keeps retrying a 4xx answer and a server that is not there', async () => {
    expect(smtpFailureKind(await errorOf(send(['busy@customer.example'])))).toBe('transient');
    const down = await errorOf(send(['dana@customer.example'], `smtp://127.0.0.1:${await freePort()}`));
    expect(smtpFailureKind(down)).toBe('transient');
    expect(permanentFailureOf(down, 'message')).toBeUndefined();
  });

  const deliverThroughInbox = () =>
    createNotificationActivities({
      dataSource,
      mailer: createMailer({ smtpUrl: inbox.url }),
      from: 'onboarding@vendor.example',
    }).deliverMessage;
  const welcomeMessage = () => {
    const id = randomUUID();
    const key = `onboarding-${id}:welcome`;
    return { key, onboardingId: `onboarding-${id}`, event: 'welcome' as const, subject: 'Welcome', body: 'Hi' };
  };

  it('makes deliverMessage fail without retry when the only recipient is refused, and deliver when one is accepted', async () => {
    const deliver = deliverThroughInbox();
    const message = welcomeMessage();
    const err = await errorOf(deliver({ ...message, to: ['gone@customer.example'] }));
    expect(err).toMatchObject({ type: 'MessageRefused', nonRetryable: true });
    const partly = await deliver({
      ...message,
      key: `${message.key}:2`,
      to: ['gone@customer.example', 'dana@customer.example'],
    });
    expect(partly).toEqual({ delivered: true });
  });

  it('retries a deferred message under its SMTP code, without the server text that quotes the address', async () => {
    const err = await errorOf(deliverThroughInbox()({ ...welcomeMessage(), to: ['busy@customer.example'] }));
    expect(err).toMatchObject({
      type: 'MessageDeferred',
      nonRetryable: false,
      message: expect.stringContaining('SMTP 451'),
    });
    expect(JSON.stringify({ message: (err as Error).message, stack: (err as Error).stack })).not.toContain(
      'busy@customer.example',
    );
  });
});
