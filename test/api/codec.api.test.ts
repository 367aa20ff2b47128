/**
 * Customer data is encrypted in Temporal: an onboarding started through the API, with the payload
 * codec on, leaves none of the handoff's personal data in what the server stores, while the API
 * still answers the live state decoded. The /codec endpoint decodes what the history holds for
 * the Web UI, with CORS for the UI's origin, and answers 404 when disabled.
 */
import request from 'supertest';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../src/infra/payload-codec';
import { connectClient, dataConverter, type TemporalClientHandle } from '../../src/infra/temporal-connection';
import { closedWonBody, COMPLETE_HANDOFF, SALES_OWNER } from '../fixtures/onboarding-input';
import { authenticated, eventually, useApiHarness } from '../support/api-harness';
import { testEnv, testPayloadCodec, workflowBundle } from '../support/test-env';

const h = useApiHarness();
const run = Math.random().toString(36).slice(2, 8);
const accountId = `codec-${run}`;
const workflowId = `onboarding-${accountId}`;
const ACCOUNT_NAME = `Zephyrine Holdings ${run}`;
const UI_ORIGIN = 'http://localhost:8233';
/** Everything personal the closed-won call carries, and the assigned CSM's name. */
const PERSONAL: string[] = [
  ACCOUNT_NAME,
  SALES_OWNER.name,
  SALES_OWNER.email,
  ...COMPLETE_HANDOFF.stakeholders!.flatMap((s) => [s.name!, s.email!]),
  'Ana Lopez',
];

/** A client with no data converter: it sees what the server stores. */
let plain: TemporalClientHandle;
let history: temporal.api.history.v1.IHistory;

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const toUi = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

beforeAll(async () => {
  plain = await connectClient(testEnv('temporalAddress'), 'default');
  await h.api
    .post('/onboardings')
    .send({ ...closedWonBody(accountId), account: { id: accountId, name: ACCOUNT_NAME } })
    .expect(201);
  // Settled: a CSM assigned (activity results in history) and the row projected.
  const state = await eventually(async () => {
    const res = await h.api.get(`/onboardings/${workflowId}`).expect(200);
    return res.body.csm ? res.body : undefined;
  });
  expect(state.csm.id).toBe('csm-test-ana');
  history = await plain.client.workflow.getHandle(workflowId).fetchHistory();
});

afterAll(async () => {
  await plain?.connection.close();
});

describe('what Temporal stores', () => {
  it('holds none of the personal data, in any payload, memo or attribute of the history', () => {
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    expect(bytes.length).toBeGreaterThan(1000);
    for (const needle of PERSONAL) expect({ needle, found: bytes.includes(needle) }).toEqual({ needle, found: false });
    // The workflow's input is encrypted with the run's current key.
    const started = history.events![0].workflowExecutionStartedEventAttributes!;
    const [input] = started.input!.payloads!;
    expect(text(input.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(input.metadata![KEY_ID_METADATA])).toBe(testEnv('payloadKeyId'));
    // The UI's summary of the run is a payload too.
    expect(text(history.events![0].userMetadata!.summary!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
  });

  it('keeps the memo encrypted (its keys stay readable) and the API answers the state decoded', async () => {
    const described = await plain.connection.workflowService.describeWorkflowExecution({
      namespace: 'default',
      execution: { workflowId },
    });
    const memo = described.workflowExecutionInfo!.memo!.fields!;
    expect(Object.keys(memo).length).toBeGreaterThan(0);
    for (const field of Object.values(memo)) expect(text(field.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    const live = await h.api.get(`/onboardings/${workflowId}`).expect(200);
    expect(JSON.stringify(live.body)).toContain('Dana Whitfield');
    // The codec's client decodes the memo too.
    const decoded = await h.client.workflow.getHandle(workflowId).describe();
    expect(Object.keys(decoded.memo ?? {}).sort()).toEqual(Object.keys(memo).sort());
  });

  it('replays the encrypted history with the codec, and not without it', async () => {
    const options = { workflowBundle: workflowBundle(), dataConverter: dataConverter(testPayloadCodec()) };
    await Worker.runReplayHistory(options, history, workflowId);
    // Without it the workflow cannot read its own input (Core logs the failed task as a warning).
    await expect(Worker.runReplayHistory({ workflowBundle: workflowBundle() }, history, workflowId)).rejects.toThrow(
      /Unknown encoding: binary\/encrypted/,
    );
  });
});

describe('an API without the key a payload was written with', () => {
  it('answers 500 PayloadNotDecodable naming the key id, not an anonymous error', async () => {
    const stranger = new AesGcmPayloadCodec({
      currentKeyId: 'another-key',
      keys: { 'another-key': Buffer.alloc(32, 7) },
    });
    const other = await connectClient(testEnv('temporalAddress'), 'default', stranger);
    try {
      const app = await h.replica({ temporalClient: other.client });
      const res = await authenticated(app.getHttpServer(), h.ownerKey).get(`/onboardings/${workflowId}`).expect(500);
      expect(res.body).toMatchObject({ code: 'PayloadNotDecodable' });
      expect(res.body.detail).toContain(`'${testEnv('payloadKeyId')}'`);
      for (const secret of PERSONAL) expect(res.text).not.toContain(secret);
    } finally {
      await other.connection.close();
    }
  });
});

describe('the codec endpoint for the Web UI', () => {
  const input = () => history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0] as Payload;

  it('decodes what the history holds, with CORS for the UI origin', async () => {
    const res = await h.api
      .post('/codec/decode')
      .set('Origin', UI_ORIGIN)
      .set('X-Namespace', 'default')
      .send({ payloads: [toUi(input())] })
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    const [decoded] = res.body.payloads;
    expect(Buffer.from(decoded.metadata.encoding, 'base64').toString()).toBe('json/plain');
    const value = JSON.parse(Buffer.from(decoded.data, 'base64').toString());
    expect(value.handoff.stakeholders[0]).toMatchObject({ name: 'Dana Whitfield' });
  });

  it('encodes with the current key, and what it encodes decodes back', async () => {
    const json = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('"hi"').toString('base64'),
    };
    const encoded = await h.api
      .post('/codec/encode')
      .send({ payloads: [json] })
      .expect(200);
    const [payload] = encoded.body.payloads;
    expect(Buffer.from(payload.metadata[KEY_ID_METADATA], 'base64').toString()).toBe(testEnv('payloadKeyId'));
    const decoded = await h.api.post('/codec/decode').send(encoded.body).expect(200);
    expect(decoded.body.payloads).toEqual([json]);
  });

  it('answers the browser preflight for the UI origin, and no CORS for another origin', async () => {
    const preflight = await h.api
      .options('/codec/decode')
      .set('Origin', 'http://127.0.0.1:8233')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-namespace')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8233');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/X-Namespace/i);
    const other = await h.api
      .post('/codec/decode')
      .set('Origin', 'https://evil.example')
      .send({ payloads: [] })
      .expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses an unknown key id and bad base64 as problems, naming the id', async () => {
    const unknown = toUi(input());
    unknown.metadata[KEY_ID_METADATA] = Buffer.from('retired-key').toString('base64');
    const res = await h.api
      .post('/codec/decode')
      .send({ payloads: [unknown] })
      .expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'PayloadNotDecodable' });
    expect(res.body.detail).toContain("'retired-key'");
    const bad = await h.api
      .post('/codec/decode')
      .send({ payloads: [{ metadata: { encoding: '%%%' }, data: '' }] })
      .expect(400);
    expect(bad.body).toMatchObject({ code: 'ValidationFailed', errors: [{ path: 'payloads[0].metadata.encoding' }] });
  });

  it('decodes only for the operator role outside the embedded default: 401 without a key, 403 for other roles', async () => {
    const body = { payloads: [toUi(input())] };
    const unauthenticated = await request(h.http).post('/codec/decode').set('Origin', UI_ORIGIN).send(body).expect(401);
    // With CORS, so the UI can read why.
    expect(unauthenticated.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    const platform = await h.createKey(['cs-platform', 'csm', 'admin'], { csmId: 'csm-test-ana' });
    const refused = await h.as(platform).post('/codec/decode').send(body).expect(403);
    expect(refused.body).toMatchObject({ code: 'RoleNotAllowed' });
    const operator = await h.createKey(['operator']);
    const decoded = await h.as(operator).post('/codec/decode').send(body).expect(200);
    expect(Buffer.from(decoded.body.payloads[0].data, 'base64').toString()).toContain('Dana Whitfield');
  });

  it('decodes without a key in the embedded default, whose local UI calls without one', async () => {
    const app = await h.replica({
      codec: { enabled: true, payloadCodec: testPayloadCodec(), uiOrigins: [UI_ORIGIN] },
      auth: { embeddedDefault: true },
    });
    const res = await request(app.getHttpServer())
      .post('/codec/decode')
      .send({ payloads: [toUi(input())] })
      .expect(200);
    expect(Buffer.from(res.body.payloads[0].data, 'base64').toString()).toContain('Dana Whitfield');
    // Only the codec: every other route still asks for a key.
    await request(app.getHttpServer()).get('/onboardings').expect(401);
  });

  it('answers 404 on every route when disabled (the default outside the embedded stack)', async () => {
    // A replica without the codec option: the endpoint is off.
    const app = await h.replica();
    for (const route of ['/codec/decode', '/codec/encode']) {
      const res = await authenticated(app.getHttpServer(), h.ownerKey)
        .post(route)
        .send({ payloads: [toUi(input())] })
        .expect(404);
      expect(res.body).toMatchObject({ code: 'NotFound' });
    }
    await request(app.getHttpServer()).options('/codec/decode').set('Origin', UI_ORIGIN).expect(404);
  });
});
