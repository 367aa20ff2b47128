/**
 * No import cycles among the project's own files, type-only imports included: each module can
 * be read, tested and moved after the modules it imports, and the domain stays layered (leaves
 * like roles.ts, time.ts and outbox.ts; rules over them; the workflow on top).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importCycles } from '../support/import-boundary';

const root = path.resolve(__dirname, '../..');
const FOLDERS = ['src', 'workflows', 'activities', 'api', 'worker'];

it('finds no import cycle in src/, workflows/, activities/, api/ or worker/', () => {
  expect(importCycles(root, FOLDERS)).toEqual([]);
});

it('reports each cycle once, type-only and re-exporting imports included, from its first file', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cycles-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(base, file)), { recursive: true });
    fs.writeFileSync(path.join(base, file), text);
  };
  // a <-> b through a type-only import; c -> d -> e -> c across folders, one edge a re-export.
  write('src/domain/a.ts', "import type { B } from './b';\nexport interface A { b: B }\n");
  write('src/domain/b.ts', "import { a } from './a';\nexport interface B { x: 1 }\nexport const b = a;\n");
  write('src/domain/c.ts', "export { d } from '../../api/d';\n");
  write('api/d.ts', "import { e } from '../activities/e';\nexport const d = e;\n");
  write(
    'activities/e.ts',
    "import { c } from '../src/domain/c';\nimport { readFileSync } from 'node:fs';\nexport const e = 1;\n",
  );
  // Not a cycle: a diamond, and an import of a file outside the folders that imports back.
  write('src/domain/top.ts', "import './left';\nimport './right';\n");
  write('src/domain/left.ts', "import './bottom';\n");
  write('src/domain/right.ts', "import './bottom';\n");
  write('src/domain/bottom.ts', "import '../../test/helper';\n");
  write('test/helper.ts', "import '../src/domain/bottom';\n");
  try {
    expect(importCycles(base, FOLDERS)).toEqual([
      'activities/e.ts -> src/domain/c.ts -> api/d.ts -> activities/e.ts',
      'src/domain/a.ts -> src/domain/b.ts -> src/domain/a.ts',
    ]);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
