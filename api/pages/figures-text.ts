import { change, days, figure, percent } from '../../src/reports/figures-text';

/** The dashboard pages write figures as the report does, with a dash where there is none. */
const NONE = '—';

export const daysText = (value: number | null | undefined) => days(value, NONE);
export const percentText = (share: number | null | undefined) => percent(share, NONE);
export const changeText = (share: number | null | undefined) => change(share, NONE);
export const numberText = (value: number | null | undefined) => figure(value, NONE);
