/** Nest injection tokens for values that have no class of their own. */
export const TASK_QUEUE = Symbol('TASK_QUEUE');
/** API_DEPENDENCY_TIMEOUT_MS: how long a request waits for Temporal, and each query for PostgreSQL. */
export const DEPENDENCY_TIMEOUT_MS = Symbol('DEPENDENCY_TIMEOUT_MS');
