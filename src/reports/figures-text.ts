/** How report sections write figures: shares as percentages and days to one decimal, "no data" for none. */
export function percent(share: number | null): string {
  return share === null ? 'no data' : `${Math.round(share * 1000) / 10}%`;
}

export function days(value: number | null): string {
  return value === null ? 'no data' : `${Math.round(value * 10) / 10} days`;
}
