/** Durations in milliseconds. Rules take the time as an argument and count with these. */
export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
