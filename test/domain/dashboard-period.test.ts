import { type PeriodPiece, periodPieces } from '../../src/domain/dashboard-period';
import { mulberry32 } from '../../src/infra/seeded-random';

/** How many times the pieces count one instant: 1 inside [from, to), 0 outside, whatever the split. */
function countedBy(pieces: PeriodPiece[], iso: string): number {
  const inRange = (value: string, p: PeriodPiece) =>
    (p.from === undefined || value >= p.from) && (p.to === undefined || value < p.to);
  return pieces.reduce((n, p) => {
    const value = p.grain === 'months' ? `${iso.slice(0, 7)}-01` : p.grain === 'days' ? iso.slice(0, 10) : iso;
    if (p.grain === 'rows') {
      const t = Date.parse(iso);
      const inRows = (p.from === undefined || t >= Date.parse(p.from)) && (p.to === undefined || t < Date.parse(p.to));
      return n + (inRows ? p.sign : 0);
    }
    return n + (inRange(value, p) ? p.sign : 0);
  }, 0);
}

describe('a dashboard period split into months, days and rows', () => {
  it('reads whole months only from the monthly counters, and no period as every month', () => {
    expect(periodPieces()).toEqual([{ grain: 'months', sign: 1 }]);
    expect(periodPieces('2020-03-01', '2020-07-01')).toEqual([
      { grain: 'months', from: '2020-03-01', to: '2020-07-01', sign: 1 },
    ]);
    expect(periodPieces('2020-03-01T00:00:00Z')).toEqual([{ grain: 'months', from: '2020-03-01', sign: 1 }]);
  });

  it('reads the days of a cut month, or the month minus the days outside it, whichever is fewer', () => {
    expect(periodPieces('2020-03-25', '2020-05-05')).toEqual([
      { grain: 'days', from: '2020-03-25', to: '2020-04-01', sign: 1 },
      { grain: 'days', from: '2020-05-01', to: '2020-05-05', sign: 1 },
      { grain: 'months', from: '2020-04-01', to: '2020-05-01', sign: 1 },
    ]);
    expect(periodPieces('2020-03-03', '2020-05-28')).toEqual([
      { grain: 'days', from: '2020-03-01', to: '2020-03-03', sign: -1 },
      { grain: 'days', from: '2020-05-28', to: '2020-06-01', sign: -1 },
      { grain: 'months', from: '2020-03-01', to: '2020-06-01', sign: 1 },
    ]);
    expect(periodPieces('2020-05-02', '2020-05-30')).toEqual([
      { grain: 'months', from: '2020-05-01', to: '2020-06-01', sign: 1 },
      { grain: 'days', from: '2020-05-01', to: '2020-05-02', sign: -1 },
      { grain: 'days', from: '2020-05-30', to: '2020-06-01', sign: -1 },
    ]);
    expect(periodPieces('2020-05-10', '2020-05-12')).toEqual([
      { grain: 'days', from: '2020-05-10', to: '2020-05-12', sign: 1 },
    ]);
  });

  it('reads the rows of a day cut by the period, and nothing for an empty period', () => {
    expect(periodPieces('2020-05-10T01:00:00Z', '2020-05-10T23:00:00Z')).toEqual([
      { grain: 'rows', from: '2020-05-10T01:00:00Z', to: '2020-05-10T23:00:00Z', sign: 1 },
    ]);
    expect(periodPieces(undefined, '2020-05-10T06:00:00Z')).toEqual([
      { grain: 'rows', from: '2020-05-10T00:00:00.000Z', to: '2020-05-10T06:00:00Z', sign: 1 },
      { grain: 'days', from: '2020-05-01', to: '2020-05-10', sign: 1 },
      { grain: 'months', to: '2020-05-01', sign: 1 },
    ]);
    expect(periodPieces('2020-05-10', '2020-05-10')).toEqual([]);
    expect(periodPieces('2020-06-10', '2020-05-10')).toEqual([]);
  });

  it('counts every instant exactly once inside the period and never outside, over random periods', () => {
    const r = mulberry32(42);
    const start = Date.UTC(2019, 9, 1);
    const span = 500 * 86_400_000;
    const instant = () => new Date(start + Math.floor(r() * span)).toISOString();
    // Some bounds on midnight or a month's first day, as pages send them; most anywhere.
    const bound = () => {
      const iso = instant();
      const roll = r();
      return roll < 0.2 ? `${iso.slice(0, 7)}-01` : roll < 0.5 ? iso.slice(0, 10) : iso;
    };
    const instants = Array.from({ length: 400 }, instant);
    for (let i = 0; i < 300; i++) {
      const from = r() < 0.1 ? undefined : bound();
      const to = r() < 0.1 ? undefined : bound();
      const pieces = periodPieces(from, to);
      // Where off-by-ones live: each bound, a millisecond either side, its midnight and its month's first day.
      const edges = [from, to]
        .filter((b): b is string => b !== undefined)
        .flatMap((b) => {
          const t = Date.parse(b);
          const d = new Date(t);
          return [
            t - 1,
            t,
            t + 1,
            Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()),
            Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
          ];
        })
        .map((t) => new Date(t).toISOString());
      for (const x of [...instants, ...edges]) {
        const t = Date.parse(x);
        const inside = (from === undefined || t >= Date.parse(from)) && (to === undefined || t < Date.parse(to));
        if (countedBy(pieces, x) !== (inside ? 1 : 0)) {
          throw new Error(`${x} counted ${countedBy(pieces, x)} times in [${from}, ${to}): ${JSON.stringify(pieces)}`);
        }
      }
    }
  });
});
