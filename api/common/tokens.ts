/** Nest injection tokens for values that have no class of their own. */
export const TASK_QUEUE = Symbol('TASK_QUEUE');
