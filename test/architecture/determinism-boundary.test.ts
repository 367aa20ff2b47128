/**
 * Workflow code is replayed and must be deterministic: workflows/ may import only its own
 * files, the pure modules of src/domain and src/contracts, and Temporal's workflow-safe
 * packages. Never Nest, TypeORM, pg, Node I/O or activities/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importViolations, type ImportRule } from '../support/import-boundary';

const root = path.resolve(__dirname, '../..');
const rule = (base: string): ImportRule => ({
  allowedPackages: ['@temporalio/workflow', '@temporalio/common'],
  allowedDirs: ['workflows', 'src/domain', 'src/contracts'].map((d) => path.join(base, d)),
});

it('holds workflows/ (and everything it imports) to deterministic code', () => {
  expect(importViolations(path.join(root, 'workflows'), rule(root))).toEqual([]);
});

it('reports a forbidden package, an import of activities/ and an impure module reached through src/', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(base, file)), { recursive: true });
    fs.writeFileSync(path.join(base, file), text);
  };
  write('workflows/a.workflow.ts', "import { DataSource } from 'typeorm';\nimport { x } from '../src/domain/pure';\n");
  write('workflows/b.workflow.ts', "import type { Acts } from '../activities/acts';\n");
  write(
    'src/domain/pure.ts',
    "import { readFileSync } from 'node:fs';\nimport { y } from '../infra/db';\nexport const x = 1;\n",
  );
  write('src/infra/db.ts', 'export const y = 2;\n');
  write('activities/acts.ts', 'export interface Acts {}\n');
  try {
    const violations = importViolations(path.join(base, 'workflows'), rule(base));
    expect(violations).toHaveLength(4);
    expect(violations.join('\n')).toMatch(/a\.workflow\.ts imports 'typeorm': package not allowed/);
    expect(violations.join('\n')).toMatch(
      /b\.workflow\.ts imports '\.\.\/activities\/acts': outside the allowed folders/,
    );
    expect(violations.join('\n')).toMatch(/pure\.ts imports 'node:fs': package not allowed/);
    expect(violations.join('\n')).toMatch(/pure\.ts imports '\.\.\/infra\/db': outside the allowed folders/);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
