import type { PayloadCodec } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { dataConverter } from '../src/infra/temporal-connection';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowsPath as builtWorkflowsPath } from './create-worker';

export type ReplayOutcome =
  | { ok: true; events: number }
  | { ok: false; events: number; divergence: string; at?: { eventId: number; eventType: string } };

/**
 * Replays one workflow history against workflow code: the built workflows/ by default, or
 * another module (e.g. a fix under test). A divergence is an answer, not an error: the
 * Temporal SDK's message says which event the code no longer matches.
 */
export async function replayHistory(
  history: unknown,
  opts: { workflowId: string; workflowsPath?: string; payloadCodec?: PayloadCodec },
): Promise<ReplayOutcome> {
  const events = countEvents(history);
  try {
    await Worker.runReplayHistory(
      // The codec decrypts the history's payloads for the workflow code; plain ones pass through.
      { workflowsPath: opts.workflowsPath ?? builtWorkflowsPath(), dataConverter: dataConverter(opts.payloadCodec) },
      history,
      opts.workflowId,
    );
    return { ok: true, events };
  } catch (err) {
    if (err instanceof DeterminismViolationError)
      return { ok: false, events, divergence: err.message, at: divergenceAt(err.message) };
    throw err;
  }
}

/** Core names the first history event the code does not match, e.g. `HistoryEvent(id: 5, ActivityTaskScheduled)`. */
function divergenceAt(message: string): { eventId: number; eventType: string } | undefined {
  const match = /HistoryEvent\(id: (\d+), (\w+)/.exec(message);
  return match ? { eventId: Number(match[1]), eventType: match[2] } : undefined;
}

function countEvents(history: unknown): number {
  const events = (history as { events?: unknown[] } | undefined)?.events;
  return Array.isArray(events) ? events.length : 0;
}
