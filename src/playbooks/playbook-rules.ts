import { CHECK_OPERATIONS, type CutoverOperation } from '../domain/cutover';

/**
 * The consistency rules a shape cannot express: unique keys, references that resolve, no task
 * dependency cycles, ladders that reach someone. They read the raw input defensively (skipping
 * whatever is malformed, which the schema reports) so one call reports every problem at once.
 */

export interface PlaybookError {
  /** Where, JSON-ish: `tasks[3].dependsOn[0]`. */
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The object elements of an array field, with their original index. */
function items(v: unknown): Array<[number, Obj]> {
  return Array.isArray(v) ? v.flatMap((x, i): Array<[number, Obj]> => (isObj(x) ? [[i, x]] : [])) : [];
}

/** The string elements of an array field, with their original index. */
function strings(v: unknown): Array<[number, string]> {
  return Array.isArray(v) ? v.flatMap((x, i): Array<[number, string]> => (typeof x === 'string' ? [[i, x]] : [])) : [];
}

/** The keys of one collection, reporting duplicates; first occurrence wins. */
function keyIndex(
  list: Array<[number, Obj]>,
  collection: string,
  noun: string,
  errors: PlaybookError[],
): Map<string, number> {
  const index = new Map<string, number>();
  for (const [i, item] of list) {
    const key = str(item.key);
    if (key === undefined) continue;
    const first = index.get(key);
    if (first === undefined) index.set(key, i);
    else
      errors.push({
        path: `${collection}[${i}].key`,
        message: `duplicate ${noun} key "${key}" (first at ${collection}[${first}])`,
      });
  }
  return index;
}

export function playbookRuleErrors(input: unknown): PlaybookError[] {
  if (!isObj(input)) return [];
  const errors: PlaybookError[] = [];
  const unknown = (path: string, noun: string, value: unknown, known: Map<string, number>) => {
    const ref = str(value);
    if (ref !== undefined && !known.has(ref)) errors.push({ path, message: `unknown ${noun} "${ref}"` });
  };

  const stages = items(input.stages);
  const tasks = items(input.tasks);
  const milestones = items(input.milestones);
  const gates = items(input.gates);
  const ladders = items(input.escalationLadders);

  const stageKeys = keyIndex(stages, 'stages', 'stage', errors);
  const taskKeys = keyIndex(tasks, 'tasks', 'task', errors);
  const milestoneKeys = keyIndex(milestones, 'milestones', 'milestone', errors);
  const gateKeys = keyIndex(gates, 'gates', 'gate', errors);
  const ladderKeys = keyIndex(ladders, 'escalationLadders', 'escalation ladder', errors);

  const exitMilestones = new Set<string>();
  for (const [i, s] of stages) {
    for (const [j, m] of strings(s.exitMilestones)) {
      exitMilestones.add(m);
      unknown(`stages[${i}].exitMilestones[${j}]`, 'milestone', m, milestoneKeys);
    }
    for (const [j, g] of strings(s.exitGates)) unknown(`stages[${i}].exitGates[${j}]`, 'gate', g, gateKeys);
  }

  for (const [i, t] of tasks) {
    unknown(`tasks[${i}].stage`, 'stage', t.stage, stageKeys);
    for (const [j, d] of strings(t.dependsOn)) unknown(`tasks[${i}].dependsOn[${j}]`, 'task', d, taskKeys);
    unknown(`tasks[${i}].escalation`, 'escalation ladder', t.escalation, ladderKeys);
  }
  errors.push(...dependencyCycles(tasks, taskKeys));

  for (const [i, m] of milestones) {
    if (typeof m.targetDay === 'number' && !(m.targetDay > 0)) {
      errors.push({
        path: `milestones[${i}].targetDay`,
        message: `milestone without target: targetDay must be a positive number of days after closed-won, got ${m.targetDay}`,
      });
    }
    unknown(`milestones[${i}].escalation`, 'escalation ladder', m.escalation, ladderKeys);
    const key = str(m.key);
    if (key !== undefined && !exitMilestones.has(key)) {
      // A milestone no stage waits for never moves the onboarding on.
      errors.push({ path: `milestones[${i}]`, message: `milestone "${key}" is not an exit milestone of any stage` });
    }
  }

  for (const [i, g] of gates) unknown(`gates[${i}].stage`, 'stage', g.stage, stageKeys);

  for (const [i, ladder] of ladders) {
    if (Array.isArray(ladder.levels) && ladder.levels.length === 0) {
      errors.push({
        path: `escalationLadders[${i}].levels`,
        message: 'ladder with no owner: it has no levels to notify',
      });
    }
    let previous: number | undefined;
    for (const [j, level] of items(ladder.levels)) {
      if (typeof level.afterHours !== 'number') continue;
      if (previous !== undefined && level.afterHours < previous) {
        errors.push({
          path: `escalationLadders[${i}].levels[${j}].afterHours`,
          message: `afterHours decreases: ${level.afterHours} after ${previous} at the level before`,
        });
      }
      previous = level.afterHours;
    }
  }

  if (isObj(input.handoff)) unknown('handoff.escalation', 'escalation ladder', input.handoff.escalation, ladderKeys);
  unknown('firstValueMilestone', 'milestone', input.firstValueMilestone, milestoneKeys);
  if (isObj(input.cutoverPlan)) errors.push(...cutoverPlanErrors(input.cutoverPlan, stages, gateKeys, ladderKeys));
  return errors;
}

/**
 * A cutover plan's references (gates, ladder) resolve; every step that changes something can be
 * undone; BAU acceptance is a gate some stage waits for, so the onboarding cannot end mid-watch.
 */
function cutoverPlanErrors(
  plan: Obj,
  stages: Array<[number, Obj]>,
  gateKeys: Map<string, number>,
  ladderKeys: Map<string, number>,
): PlaybookError[] {
  const errors: PlaybookError[] = [];
  const steps = items(plan.steps);
  keyIndex(steps, 'cutoverPlan.steps', 'cutover step', errors);
  for (const [i, step] of steps) {
    const action = str(step.action);
    if (action && !CHECK_OPERATIONS.includes(action as CutoverOperation) && step.compensation === undefined) {
      errors.push({
        path: `cutoverPlan.steps[${i}].compensation`,
        message: `step "${str(step.key)}" changes something (${action}) and has no compensation to undo it`,
      });
    }
  }
  if (isObj(plan.readiness)) {
    const gate = plan.readiness.gate;
    if (str(gate) !== undefined && !gateKeys.has(str(gate)!))
      errors.push({ path: 'cutoverPlan.readiness.gate', message: `unknown gate "${str(gate)}"` });
  }
  if (isObj(plan.hypercare)) {
    const h = plan.hypercare;
    const ladder = str(h.escalation);
    if (ladder !== undefined && !ladderKeys.has(ladder))
      errors.push({ path: 'cutoverPlan.hypercare.escalation', message: `unknown escalation ladder "${ladder}"` });
    const gate = str(h.acceptanceGate);
    if (gate !== undefined && !gateKeys.has(gate)) {
      errors.push({ path: 'cutoverPlan.hypercare.acceptanceGate', message: `unknown gate "${gate}"` });
    } else if (gate !== undefined && !stages.some(([, s]) => strings(s.exitGates).some(([, g]) => g === gate))) {
      errors.push({
        path: 'cutoverPlan.hypercare.acceptanceGate',
        message: `gate "${gate}" is not an exit gate of any stage: the onboarding could end during hypercare`,
      });
    }
  }
  return errors;
}

/** Each dependency cycle once, reported on the edge that closes it: `a -> b -> a`. */
function dependencyCycles(tasks: Array<[number, Obj]>, taskKeys: Map<string, number>): PlaybookError[] {
  const errors: PlaybookError[] = [];
  const byIndex = new Map(tasks);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];

  const visit = (key: string) => {
    state.set(key, 'visiting');
    stack.push(key);
    const i = taskKeys.get(key)!;
    for (const [j, dep] of strings(byIndex.get(i)?.dependsOn)) {
      if (!taskKeys.has(dep)) continue;
      const seen = state.get(dep);
      if (seen === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        errors.push({ path: `tasks[${i}].dependsOn[${j}]`, message: `dependency cycle: ${cycle.join(' -> ')}` });
      } else if (seen === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(key, 'done');
  };

  for (const key of taskKeys.keys()) if (!state.has(key)) visit(key);
  return errors;
}
