import { Context } from '@temporalio/activity';
import * as nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Settings } from '../config/settings';

/** What the log says of a mail that was not sent: ids and a count, never addresses or subjects. */
export interface UnsentMail {
  event?: string;
  /** Derived from the message key (see messageIdFor in activities/notification.activities.ts). */
  messageId?: string;
  recipients: number;
}

export const MAIL_NOT_SENT = 'mail not sent (SMTP_URL is not set)';

/**
 * The mail transport of the notification activity. With SMTP_URL, a real SMTP server. Without
 * it, nodemailer's jsonTransport, which builds each message and sends it nowhere, and one log
 * record per message: `npm start` then works without a mail server, and the log shows that a
 * message went nowhere. By default the record goes to the activity's logger, which adds the
 * workflow (onboarding) and activity ids.
 */
export function createMailer(
  settings: Pick<Settings, 'smtpUrl'>,
  log: (message: string, mail: UnsentMail) => void = logFromActivity,
): Transporter {
  if (settings.smtpUrl) {
    // nodemailer waits up to 2 min to connect and 10 min on a silent socket; an activity
    // attempt should fail sooner and let Temporal retry it.
    return nodemailer.createTransport({
      url: settings.smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }
  const transport = nodemailer.createTransport({ jsonTransport: true });
  transport.use('stream', (mail, done) => {
    const headers = (mail.data.headers ?? {}) as Record<string, unknown>;
    const event = headers['X-Onboarding-Event'];
    log(MAIL_NOT_SENT, {
      ...(typeof event === 'string' ? { event } : {}),
      ...(mail.data.messageId ? { messageId: mail.data.messageId } : {}),
      recipients: [mail.data.to, mail.data.cc, mail.data.bcc].flat().filter(Boolean).length,
    });
    done();
  });
  return transport;
}

function logFromActivity(message: string, mail: UnsentMail): void {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    // Sent outside an activity (a script, a test).
  }
  if (context) context.log.info(message, { ...mail });
  else console.log(`${message}: ${JSON.stringify(mail)}`);
}
