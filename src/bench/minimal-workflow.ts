/**
 * The bench's minimal workflow: it starts, accepts a trivial update and waits. Run by the bench's
 * own worker on its own task queue, its start and update rates are the ceiling the Temporal
 * server sets on this machine, with no application work behind them.
 */
import { condition, defineSignal, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

export const MINIMAL_TASK_QUEUE = 'bench-minimal';
export const bumpUpdate = defineUpdate<number, [number]>('bump');
export const finishSignal = defineSignal('finish');

export async function minimalWorkflow(): Promise<number> {
  let total = 0;
  let finished = false;
  setHandler(bumpUpdate, (n: number) => (total += n));
  setHandler(finishSignal, () => void (finished = true));
  await condition(() => finished);
  return total;
}

/** Sleeps `delayMs` and answers how late the timer's workflow task ran (workflow time, ms). */
export async function timerLagWorkflow(delayMs: number): Promise<number> {
  const before = Date.now();
  await sleep(delayMs);
  return Date.now() - before - delayMs;
}
