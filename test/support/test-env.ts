import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { EmbeddedPostgresHandle } from '../../src/infra/embedded-postgres';
import { AesGcmPayloadCodec, parseKeyList } from '../../src/infra/payload-codec';

/** What global setup hands to the test files (through the environment: they run in other contexts). */
export const TEST_ENV = {
  databaseUrl: 'TEST_RUN_DATABASE_URL',
  temporalAddress: 'TEST_RUN_TEMPORAL_ADDRESS',
  workflowBundle: 'TEST_RUN_WORKFLOW_BUNDLE',
  timeSkippingWorkflowBundle: 'TEST_RUN_TIME_SKIPPING_WORKFLOW_BUNDLE',
  /** The run's payload encryption keys, in PAYLOAD_ENCRYPTION_KEYS' form, and the current id. */
  payloadKeys: 'TEST_RUN_PAYLOAD_ENCRYPTION_KEYS',
  payloadKeyId: 'TEST_RUN_PAYLOAD_ENCRYPTION_KEY_ID',
} as const;

export interface TestGlobals {
  workDir: string;
  postgres?: EmbeddedPostgresHandle;
  devServer?: TestWorkflowEnvironment;
}

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run the tests through jest's global setup (npm test)`);
  return value;
}

/** The workflow bundle built once in global setup. */
export function workflowBundle() {
  return { codePath: testEnv('workflowBundle') };
}

/** The same workflows for the time-skipping test server (see drop-search-attribute-upserts.ts). */
export function timeSkippingWorkflowBundle() {
  return { codePath: testEnv('timeSkippingWorkflowBundle') };
}

/** The payload codec with the run's test keys (made in global setup), as the API harness uses it. */
export function testPayloadCodec(): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec({ currentKeyId: testEnv('payloadKeyId'), keys: parseKeyList(testEnv('payloadKeys')) });
}
