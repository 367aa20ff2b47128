/**
 * Figures as the dashboard pages write them: one decimal, and a dash where there is no figure
 * (no onboarding selected is no rate, not 0%).
 */
const NONE = '—';

export function daysText(days: number | null | undefined): string {
  return days === null || days === undefined ? NONE : `${oneDecimal(days)} days`;
}

export function percentText(share: number | null | undefined): string {
  return share === null || share === undefined ? NONE : `${oneDecimal(share * 100)}%`;
}

/** A change against a reference: +33.3% or -26%. */
export function changeText(share: number | null | undefined): string {
  return share === null || share === undefined ? NONE : `${share > 0 ? '+' : ''}${percentText(share)}`;
}

export function numberText(value: number | null | undefined): string {
  return value === null || value === undefined ? NONE : oneDecimal(value);
}

function oneDecimal(x: number): string {
  return (Math.round(x * 10) / 10).toFixed(1).replace(/\.0$/, '');
}
