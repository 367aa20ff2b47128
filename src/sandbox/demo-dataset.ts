import { mulberry32 } from '../infra/seeded-random';
/**
 * A deterministic legacy dataset for the demo and for tests that need volume: the same sizes
 * always give the same records (so the same checksum), generated from a seeded PRNG.
 */
import type { SandboxRecord } from './record-store';

export interface DatasetSize {
  accounts?: number;
  cards?: number;
  payments?: number;
}

export const DEMO_DATASET_SIZE: Required<DatasetSize> = { accounts: 500, cards: 1000, payments: 2000 };

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF'];
const NETWORKS = ['visa', 'mastercard'];
const DAY_MS = 86_400_000;
const EPOCH = Date.UTC(2023, 0, 1);

/** Ids are zero-padded (`acc-00001`, `card-00001`, `pay-000001`) so that id order is creation order. */
export function demoDataset(size: DatasetSize = DEMO_DATASET_SIZE): SandboxRecord[] {
  const { accounts = 0, cards = 0, payments = 0 } = size;
  if (cards > 0 && accounts === 0) throw new Error('cards need at least one account');
  if (payments > 0 && cards === 0) throw new Error('payments need at least one card');
  const random = mulberry32(20_240_601);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const records: SandboxRecord[] = [];
  for (let i = 1; i <= accounts; i++) {
    records.push({
      id: `acc-${pad(i, 5)}`,
      kind: 'account',
      data: {
        holder: `Customer ${i}`,
        currency: pick(CURRENCIES),
        balanceCents: Math.floor(random() * 5_000_000),
        openedOn: day(Math.floor(random() * 700)),
      },
    });
  }
  for (let i = 1; i <= cards; i++) {
    records.push({
      id: `card-${pad(i, 5)}`,
      kind: 'card',
      data: {
        accountId: `acc-${pad(1 + Math.floor(random() * accounts), 5)}`,
        network: pick(NETWORKS),
        last4: pad(Math.floor(random() * 10_000), 4),
        status: random() < 0.95 ? 'active' : 'blocked',
      },
    });
  }
  for (let i = 1; i <= payments; i++) {
    records.push({
      id: `pay-${pad(i, 6)}`,
      kind: 'payment',
      data: {
        cardId: `card-${pad(1 + Math.floor(random() * cards), 5)}`,
        amountCents: 100 + Math.floor(random() * 250_000),
        currency: pick(CURRENCIES),
        bookedAt: new Date(EPOCH + Math.floor(random() * 730 * DAY_MS)).toISOString(),
      },
    });
  }
  return records;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function day(offset: number): string {
  return new Date(EPOCH + offset * DAY_MS).toISOString().slice(0, 10);
}
