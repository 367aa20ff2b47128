/**
 * The API as a client sees it over HTTP, and a client that retries a command as the README tells
 * clients to: the same request with the same Idempotency-Key, after a dropped connection, a 503,
 * a 409 IdempotencyKeyInFlight or a 429, until a final answer.
 */
import { randomUUID } from 'node:crypto';

export interface Answer {
  /** 0: no answer at all (connection refused or dropped). */
  status: number;
  body: any;
  /** Answered from the idempotency record of an earlier try. */
  replayed: boolean;
}

export interface CommandOutcome extends Answer {
  key: string;
  /** Tries it took, the final one included. */
  tries: number;
  /** Why each retried try was retried: `no answer`, `503`, `409 in flight`... */
  retried: string[];
}

/** Statuses after which the same request is sent again under the same key. */
const RETRIED = new Set([0, 429, 502, 503, 504]);

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async send(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    try {
      const res = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: kept as text
      }
      return { status: res.status, body: parsed, replayed: res.headers.get('idempotent-replayed') === 'true' };
    } catch (err) {
      return { status: 0, body: { error: String((err as Error).cause ?? err) }, replayed: false };
    }
  }

  /** GET, retried while the API does not answer or answers 503; other answers are returned. */
  async get(path: string, timeoutMs = 120_000): Promise<Answer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.send('GET', path);
      if (!RETRIED.has(answer.status) || Date.now() > deadline) return answer;
      await pause(250);
    }
  }

  /** GET that must answer 200: its body. */
  async read(path: string): Promise<any> {
    const answer = await this.get(path);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * Sends a command until it has a final answer (anything but no answer, 429, 5xx and 409
   * IdempotencyKeyInFlight), always under the same key. `onTry` sees every try, retried or not.
   */
  async command(
    method: string,
    path: string,
    body: unknown,
    opts: { key?: string; timeoutMs?: number; onTry?: (answer: Answer) => void } = {},
  ): Promise<CommandOutcome> {
    const key = opts.key ?? randomUUID();
    const deadline = Date.now() + (opts.timeoutMs ?? 240_000);
    const retried: string[] = [];
    for (;;) {
      const answer = await this.send(method, path, body, key);
      opts.onTry?.(answer);
      const inFlight = answer.status === 409 && answer.body?.code === 'IdempotencyKeyInFlight';
      if ((!RETRIED.has(answer.status) && !inFlight) || Date.now() > deadline)
        return { ...answer, key, tries: retried.length + 1, retried };
      retried.push(answer.status === 0 ? 'no answer' : inFlight ? '409 in flight' : String(answer.status));
      await pause(inFlight || answer.status >= 500 ? 1_000 : 300);
    }
  }

  /** A command that must be accepted (2xx): its answer's body. */
  async accepted(method: string, path: string, body: unknown, key?: string): Promise<any> {
    const outcome = await this.command(method, path, body, { key });
    if (outcome.status < 200 || outcome.status > 299)
      throw new Error(`${method} ${path} answered ${outcome.status}: ${JSON.stringify(outcome.body)}`);
    return outcome.body;
  }
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
