import { describeError, safeError, temporalLogger } from '../../src/infra/logger';
import { captureLogs } from '../support/captured-logs';

it('says something for whatever was thrown, so a start never fails with "undefined"', () => {
  expect(describeError(undefined)).toBe('no reason given (undefined was thrown)');
  expect(describeError(null)).toBe('no reason given (null was thrown)');
  expect(describeError('')).toBe('no reason given (an empty string was thrown)');
  expect(describeError('port in use')).toBe('port in use');
  expect(describeError({ code: 'EADDRINUSE' })).toBe('{"code":"EADDRINUSE"}');
  expect(describeError(new Error('outer', { cause: new Error('inner') }))).toBe('outer (cause: inner)');
  expect(describeError(new TypeError(''))).toBe('TypeError');
});

it('logs an error by type, message, code and stack, without the data its other properties carry', () => {
  const { logger, records } = captureLogs();
  const failed = Object.assign(new Error('duplicate key value violates unique constraint "csms_pkey"'), {
    code: '23505',
    detail: 'Key (email)=(ana.lopez@onboarding.example) already exists.',
    parameters: ['ana.lopez@onboarding.example'],
  });
  logger.error({ err: failed }, 'insert failed');
  const parseError = Object.assign(new SyntaxError(`Unexpected token in JSON: "{"email": "dana@customer.example"`), {
    type: 'entity.parse.failed',
    body: '{"email": "dana@customer.example"',
  });
  logger.warn({ err: parseError }, 'bad request');

  expect(records[0].err).toEqual({ type: 'Error', message: failed.message, code: '23505', stack: failed.stack });
  expect(records[1].err).toEqual({ type: 'SyntaxError', message: 'request body is not valid JSON' });
  expect(JSON.stringify(records)).not.toContain('@');
  expect(safeError('not an error')).toBe('not an error');
});

it("routes Temporal's log records to pino at their level, the worker's own INFO chatter at debug", () => {
  const { logger, records } = captureLogs('debug');
  const temporal = temporalLogger(logger);
  temporal.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
  temporal.info('welcome mail not sent', { sdkComponent: 'activity', workflowId: 'onboarding-1' });
  temporal.warn('Activity failed', { sdkComponent: 'worker', error: new Error('boom') });
  temporal.log('ERROR', 'Workflow task failed', { workflowId: 'onboarding-2' });

  expect(records.map((r) => [r.level, r.msg])).toEqual([
    [20, 'Worker state changed'],
    [30, 'welcome mail not sent'],
    [40, 'Activity failed'],
    [50, 'Workflow task failed'],
  ]);
  expect(records[1]).toMatchObject({ workflowId: 'onboarding-1' });
  expect(records[2].error).toMatchObject({ type: 'Error', message: 'boom' });
});
