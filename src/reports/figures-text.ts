/**
 * How figures are written for people, in the report and on the dashboard pages alike: one
 * decimal, shares as percentages, and a word (or a dash on a page) where there is no figure (no
 * onboarding selected is no rate, not 0%).
 */
export const NO_DATA = 'no data';

export function percent(share: number | null | undefined, none = NO_DATA): string {
  return share === null || share === undefined ? none : `${oneDecimal(share * 100)}%`;
}

export function days(value: number | null | undefined, none = NO_DATA): string {
  return value === null || value === undefined ? none : `${oneDecimal(value)} days`;
}

/** A change against a reference: +33.3% or -26%. */
export function change(share: number | null | undefined, none = NO_DATA): string {
  return share === null || share === undefined ? none : `${share > 0 ? '+' : ''}${percent(share)}`;
}

export function figure(value: number | null | undefined, none = NO_DATA): string {
  return value === null || value === undefined ? none : oneDecimal(value);
}

function oneDecimal(x: number): string {
  return (Math.round(x * 10) / 10).toFixed(1).replace(/\.0$/, '');
}
