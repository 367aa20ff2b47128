/**
 * The cutover adapter's failed calls, against real sockets: each says which call on which URL
 * failed and why, in one line, retryable, with no cause chain or stack to log on every attempt.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { createCutoverActivities } from '../../activities/cutover.activities';
import type { CutoverOperationRequest } from '../../src/contracts/cutover.contract';
import { freePort } from '../support/free-port';

const freeze: CutoverOperationRequest = {
  cutoverId: 'onboarding-acme:cutover:1',
  mode: 'cutover',
  step: 'freeze-legacy-writes',
  operation: 'legacy.freeze',
  batchSize: 50,
  reconciliationThreshold: 1,
  idempotencyKey: 'onboarding-acme:cutover:1:freeze-legacy-writes:do',
};

async function failureOf(baseUrl: string, timeoutMs?: number): Promise<ApplicationFailure> {
  const err = await createCutoverActivities({ baseUrl, timeoutMs })
    .runCutoverOperation(freeze)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

async function server(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const s = http.createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  };
}

it('names the URL and the reason when the platform is down: one line, retryable, no cause, no stack', async () => {
  const port = await freePort();
  const failure = await failureOf(`http://127.0.0.1:${port}`);
  const line = `POST http://127.0.0.1:${port}/legacy/freeze failed: connect ECONNREFUSED 127.0.0.1:${port}`;
  expect(failure).toMatchObject({ type: 'PlatformUnreachable', message: line, nonRetryable: false });
  expect(failure.cause).toBeUndefined();
  expect(failure.stack).toBe(`ApplicationFailure: ${line}`);
});

it('says a call timed out after the configured time', async () => {
  const silent = await server(() => undefined); // accepts, never answers
  try {
    const failure = await failureOf(silent.url, 200);
    expect(failure).toMatchObject({
      type: 'PlatformUnreachable',
      message: `POST ${silent.url}/legacy/freeze failed: timed out after 200 ms`,
    });
  } finally {
    await silent.close();
  }
});

it('names the URL and the status of an error answer', async () => {
  const broken = await server((_req, res) => res.writeHead(503).end('maintenance'));
  try {
    const failure = await failureOf(broken.url);
    expect(failure).toMatchObject({
      type: 'PlatformError',
      message: `POST ${broken.url}/legacy/freeze answered 503: maintenance`,
      nonRetryable: false,
    });
    expect(failure.stack!.split('\n')).toHaveLength(1);
  } finally {
    await broken.close();
  }
});
