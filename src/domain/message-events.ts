/** What a message is about: each has a template in the playbook, and a notice names one. */
export const MESSAGE_EVENTS = [
  'welcome',
  'handoff-incomplete',
  'csm-assigned',
  'milestone-achieved',
  'executive-touchpoint',
  'task-reminder',
  'escalation',
  'stalled',
  'completed',
  'hypercare-ended',
  'side-effect-failed',
  'no-csm-capacity',
] as const;
export type MessageEvent = (typeof MESSAGE_EVENTS)[number];
