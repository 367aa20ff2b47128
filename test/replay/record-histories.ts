/**
 * Records the histories of finished onboardings for the replay regression test
 * (`npm run histories:record`). Each scenario runs on a real dev server with the current
 * workflow code and mocked activities, then its history is saved as JSON under test/histories.
 * Re-record only when a change is meant to be incompatible; otherwise the old histories are
 * exactly what must keep replaying.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { completeHandoffUpdate, ONBOARDING_WORKFLOW_TYPE, recordRiskUpdate, resolveRiskUpdate } from '../../src/contracts/onboarding.contract';
import type { OnboardingInput } from '../../src/domain/onboarding';
import { devServerSearchAttributeArgs } from '../../src/infra/search-attribute-registry';
import { resolveTemporalBinary, testingExecutable } from '../../src/infra/temporal-binaries';
import { workflowsPath } from '../../worker/create-worker';
import { COMPLETE_HANDOFF, onboardingInput } from '../fixtures/onboarding-input';
import { until, walkJourney } from '../support/journey-driver';

// Run from the project root by `npm run histories:record`.
const OUT = path.resolve(process.cwd(), 'test/histories');

const activities = {
  async projectOnboarding() {},
  async appendAudit() {},
  async deliverMessage() {
    return { delivered: true };
  },
  async assignCsm() {
    return { id: 'csm-ana', name: 'Ana Lopez', email: 'ana@vendor.example' };
  },
  async releaseCsm() {},
};

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: testingExecutable('temporal'), extraArgs: devServerSearchAttributeArgs() },
  });
  try {
    const taskQueue = 'record-histories';
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: workflowsPath(), activities });
    await worker.runUntil(async () => {
      const scenarios: Array<[string, OnboardingInput, (h: any) => Promise<void>]> = [
        ['high-touch-handoff-risk', { ...onboardingInput('history-high-touch', 'enterprise'), handoff: { goals: ['Replace the card platform'] } }, async (h) => {
          await until(h, (s) => s.status === 'handoff-incomplete');
          await h.executeUpdate(completeHandoffUpdate, { args: [{ actor: 'sales:sam', handoff: COMPLETE_HANDOFF }] });
          await until(h, (s) => !!s.csm);
          const risk = { category: 'cutover', description: 'Ledger mismatch', blocker: true, owner: 'impl:lee', decisionDueDate: '2027-02-01', fallback: 'Delay one week', actor: 'csm:ana' };
          await h.executeUpdate(recordRiskUpdate, { args: [risk] });
          await h.executeUpdate(resolveRiskUpdate, { args: [{ riskId: 'risk-1', resolution: 'Reconciled', actor: 'impl:lee' }] });
        }],
        ['tech-touch', onboardingInput('history-tech-touch', 'mid-market'), async () => {}],
        ['self-service-continued', { ...onboardingInput('history-self-service', 'smb'), historyEventLimit: 40 }, async () => {}],
      ];
      for (const [name, input, prelude] of scenarios) {
        const handle = await env.client.workflow.start(ONBOARDING_WORKFLOW_TYPE, { taskQueue, workflowId: input.onboardingId, args: [input] });
        await prelude(handle);
        // A short pause per step lets the workflow settle between bursts of updates, as in real life.
        await walkJourney(handle, input, () => new Promise((r) => setTimeout(r, 200)));
        await handle.result();
        // Exported by the Temporal CLI, in the JSON format the UI exports too. The first run: for a
        // continued onboarding, the history that ends in continue-as-new.
        const json = execFileSync(resolveTemporalBinary('temporal')!, [
          'workflow', 'show', '--address', env.address, '--workflow-id', input.onboardingId,
          '--run-id', handle.firstExecutionRunId, '--output', 'json',
        ]);
        fs.writeFileSync(path.join(OUT, `${name}.json`), json);
        console.log(`recorded ${name}: ${JSON.parse(json.toString()).events.length} events`);
        if (input.historyEventLimit) {
          // And the last run, which started from the carried-over state.
          const last = execFileSync(resolveTemporalBinary('temporal')!, [
            'workflow', 'show', '--address', env.address, '--workflow-id', input.onboardingId, '--output', 'json',
          ]);
          fs.writeFileSync(path.join(OUT, `${name}-last-run.json`), last);
          console.log(`recorded ${name}-last-run: ${JSON.parse(last.toString()).events.length} events`);
        }
      }
    });
  } finally {
    await env.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
