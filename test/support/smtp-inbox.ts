/**
 * A real SMTP server for tests: accepts every message on 127.0.0.1 (no auth, no TLS), parses
 * it with mailparser and keeps it, with the envelope the client sent.
 */
import { EventEmitter } from 'node:events';
import { ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port';

export interface ReceivedMail {
  mail: ParsedMail;
  envelope: { from: string | undefined; to: string[] };
}

export interface SmtpInbox {
  port: number;
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  messages: ReceivedMail[];
  /** Resolves with the messages once at least `count` have arrived. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** Starts on `port` (e.g. to bring a "down" server back on the same address) or a free one. */
export async function startSmtpInbox(options: { port?: number } = {}): Promise<SmtpInbox> {
  const port = options.port ?? (await freePort());
  const messages: ReceivedMail[] = [];
  const arrivals = new EventEmitter();

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const { mailFrom, rcptTo } = session.envelope;
          messages.push({ mail, envelope: { from: mailFrom ? mailFrom.address : undefined, to: rcptTo.map((r) => r.address) } });
          arrivals.emit('mail');
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMessages(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          done();
          resolve(messages);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          arrivals.off('mail', check);
        };
        arrivals.on('mail', check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
