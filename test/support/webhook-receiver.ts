/**
 * A real HTTP endpoint standing in for the CS platform's webhook: records each request with
 * its raw body and answers with the status the test sets.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** The path and query it was sent to (tests give each subscription its own path). */
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** The status of the next answers (200 unless set). */
  status: number;
  /** When set, decides each answer's status instead of `status` (e.g. fail the first tries). */
  respond?: (request: ReceivedRequest, received: ReceivedRequest[]) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: Pick<WebhookReceiver, 'requests' | 'status' | 'respond'> = { requests: [], status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      receiver.requests.push(request);
      const status = receiver.respond?.(request, receiver.requests) ?? receiver.status;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'broken');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/onboarding`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections(); // fetch keeps its connections alive
      }),
  });
}
