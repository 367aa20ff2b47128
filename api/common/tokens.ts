/** Nest injection tokens for values that have no class of their own. */
export const TASK_QUEUE = Symbol('TASK_QUEUE');
/** API_DEPENDENCY_TIMEOUT_MS: how long a request waits for Temporal, and each query for PostgreSQL. */
export const DEPENDENCY_TIMEOUT_MS = Symbol('DEPENDENCY_TIMEOUT_MS');
/** API_LIVE_STATE_TIMEOUT_MS: how long a state read waits for the workflow's answer before the read model answers. */
export const LIVE_STATE_TIMEOUT_MS = Symbol('LIVE_STATE_TIMEOUT_MS');
