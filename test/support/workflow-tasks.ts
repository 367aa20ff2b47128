/**
 * A recorded history (the JSON the Temporal CLI and UI export) cut into its workflow tasks: what
 * each task was given (the events stored since the previous task's commands) and what it did (its
 * commands, stored with its completion). Local activities show as `local:<type>`, scheduled
 * activities as `activity:<type>`, patches as `patch:<id>`, other events by their type without
 * the EVENT_TYPE_ prefix.
 */
export interface WorkflowTask {
  inputs: string[];
  commands: string[];
}

/** Events that only a task's completion writes, right after it: the task's commands. */
const COMMAND_EVENTS = new Set([
  'MARKER_RECORDED',
  'TIMER_STARTED',
  'TIMER_CANCELED',
  'ACTIVITY_TASK_SCHEDULED',
  'ACTIVITY_TASK_CANCEL_REQUESTED',
  'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'WORKFLOW_PROPERTIES_MODIFIED',
  'WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'WORKFLOW_EXECUTION_UPDATE_COMPLETED',
  'START_CHILD_WORKFLOW_EXECUTION_INITIATED',
  'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'WORKFLOW_EXECUTION_COMPLETED',
  'WORKFLOW_EXECUTION_FAILED',
  'WORKFLOW_EXECUTION_CANCELED',
  'WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
]);

export function workflowTasks(history: { events: any[] }): WorkflowTask[] {
  const tasks: WorkflowTask[] = [];
  let inputs: string[] = [];
  let current: WorkflowTask | undefined;
  for (const event of history.events) {
    const type = String(event.eventType).replace(/^EVENT_TYPE_/, '');
    if (type === 'WORKFLOW_TASK_COMPLETED') {
      current = { inputs, commands: [] };
      tasks.push(current);
      inputs = [];
    } else if (current && COMMAND_EVENTS.has(type)) {
      current.commands.push(stepOf(event, type));
    } else {
      // The commands end at the first event stored after them: given to the next task.
      current = undefined;
      inputs.push(stepOf(event, type));
    }
  }
  return tasks;
}

function stepOf(event: any, type: string): string {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName === 'core_patch') return `patch:${decoded(marker.details['patch-data']).id}`;
  if (marker?.markerName === 'core_local_activity') return `local:${decoded(marker.details.data).activity_type}`;
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled) return `activity:${scheduled.activityType.name}`;
  return type;
}

function decoded(payloads: { payloads: Array<{ data: string }> }): any {
  return JSON.parse(Buffer.from(payloads.payloads[0].data, 'base64').toString());
}
