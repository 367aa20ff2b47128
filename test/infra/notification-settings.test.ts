import { loadSettings } from '../../src/config/settings';
import { createMailer } from '../../src/infra/mailer';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;

it('mails nowhere and signs no webhook by default', () => {
  expect(loadSettings({})).toMatchObject({
    smtpUrl: undefined,
    mailFrom: 'Onboarding <onboarding@localhost>',
    webhookUrl: undefined,
    webhookSecret: undefined,
  });
});

it('reads the SMTP server, the sender and the webhook', () => {
  const s = loadSettings({
    SMTP_URL: 'smtp://user:pass@mail.example:587',
    MAIL_FROM: 'CS <cs@example.com>',
    WEBHOOK_URL: 'https://cs.example/hooks',
    WEBHOOK_SECRET: SECRET,
  });
  expect(s).toMatchObject({
    smtpUrl: 'smtp://user:pass@mail.example:587',
    mailFrom: 'CS <cs@example.com>',
    webhookUrl: 'https://cs.example/hooks',
    webhookSecret: SECRET,
  });
});

it('names the variable when the webhook has no secret or a URL is wrong, without echoing the value', () => {
  expect(() => loadSettings({ WEBHOOK_URL: 'https://cs.example/hooks' })).toThrow(
    'WEBHOOK_SECRET must be set when WEBHOOK_URL is set',
  );
  expect(() => loadSettings({ SMTP_URL: 'user:pass@mail' })).toThrow(
    /^SMTP_URL must be a URL \(smtp: or smtps:\/\/\.\.\.\), got a user: URL$/,
  );
  expect(() => loadSettings({ SMTP_URL: 'not a url p4ss' })).toThrow(/^SMTP_URL must be a URL/);
  expect(() => loadSettings({ WEBHOOK_URL: 'ftp://cs.example', WEBHOOK_SECRET: SECRET })).toThrow(
    /^WEBHOOK_URL must be a URL \(http: or https:/,
  );
});

it('refuses a webhook secret that is not a Standard Webhooks secret, saying how to make one, without echoing it', () => {
  for (const secret of [
    's3cret-p4ss',
    'whsec_not base64!',
    `whsec_${Buffer.alloc(8).toString('base64')}`,
    SECRET.slice(6),
  ]) {
    let message = '';
    try {
      loadSettings({ WEBHOOK_URL: 'https://cs.example/hooks', WEBHOOK_SECRET: secret });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(
      /^WEBHOOK_SECRET must be a Standard Webhooks secret: 'whsec_' followed by the base64 of 24 to 64 random bytes/,
    );
    expect(message).toContain("randomBytes(32).toString('base64')");
    expect(message).not.toContain(secret);
  }
});

it('without SMTP_URL, builds each message, sends it nowhere and logs it by ids and a count, never an address or subject', async () => {
  const logged: unknown[] = [];
  const mailer = createMailer({}, (message, mail) => logged.push([message, mail]));
  const info = await mailer.sendMail({
    from: 'a@example.com',
    to: ['b@example.com', 'c@example.com'],
    cc: 'd@example.com',
    subject: 'Hello Ana',
    text: 'Body',
    messageId: '<abc@onboarding-orchestrator>',
    headers: { 'X-Onboarding-Event': 'welcome' },
  });
  expect(JSON.parse(info.message)).toMatchObject({ subject: 'Hello Ana', text: 'Body' });
  expect(logged).toEqual([
    [
      'mail not sent (SMTP_URL is not set)',
      { event: 'welcome', messageId: '<abc@onboarding-orchestrator>', recipients: 3 },
    ],
  ]);
  expect(JSON.stringify(logged)).not.toMatch(/@example\.com|Hello/);
});
