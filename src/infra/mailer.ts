import * as nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { Settings } from '../config/settings';

/**
 * The mail transport of the notification activity. With SMTP_URL, a real SMTP server. Without
 * it, nodemailer's jsonTransport, which builds each message and sends it nowhere, and one log
 * line per message: `npm start` then works without a mail server, and the log shows what
 * would have been sent.
 */
export function createMailer(
  settings: Pick<Settings, 'smtpUrl'>,
  log: (line: string) => void = (line) => console.log(line),
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
    const to = [mail.data.to].flat().filter(Boolean).join(', ');
    log(`mail not sent (SMTP_URL is not set): to ${to}, subject "${mail.data.subject ?? ''}"`);
    done();
  });
  return transport;
}
