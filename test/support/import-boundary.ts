import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * Follows every import (type-only ones too) from the files under `entryDir`, transitively
 * through relative imports, and reports each one that leaves the allowed folders or names a
 * package that is not allowed. Used to hold workflows/ to deterministic code.
 */
export interface ImportRule {
  allowedPackages: string[];
  allowedDirs: string[];
}

export function importViolations(entryDir: string, rule: ImportRule): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  const queue = tsFilesUnder(entryDir);
  const inAllowedDir = (file: string) => rule.allowedDirs.some((dir) => file.startsWith(dir + path.sep));
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importSpecifiers(file)) {
      const where = `${path.relative(process.cwd(), file)} imports '${specifier}'`;
      if (!specifier.startsWith('.')) {
        if (!rule.allowedPackages.includes(specifier)) violations.push(`${where}: package not allowed`);
        continue;
      }
      const target = resolveTs(path.resolve(path.dirname(file), specifier));
      if (!target) violations.push(`${where}: cannot resolve`);
      else if (!inAllowedDir(target)) violations.push(`${where}: outside the allowed folders`);
      else queue.push(target);
    }
  }
  return violations.sort();
}

/**
 * Every import cycle among the .ts files under `dirs`, through relative imports (type-only ones
 * too: a type cycle is still two modules that cannot be understood apart). Each cycle once, as
 * `a.ts -> b.ts -> a.ts` with paths relative to `base`, starting at its first file in sort order.
 */
export function importCycles(base: string, dirs: string[]): string[] {
  const files = dirs
    .map((d) => path.join(base, d))
    .filter((d) => fs.existsSync(d))
    .flatMap(tsFilesUnder)
    .sort();
  const inScope = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importSpecifiers(file)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolveTs(path.resolve(path.dirname(file), s)))
      .filter((t): t is string => t !== undefined && inScope.has(t));
    graph.set(file, [...new Set(targets)].sort());
  }
  const name = (file: string) => path.relative(base, file).split(path.sep).join('/');
  const component = stronglyConnected(graph);
  const cycles: string[] = [];
  // Elementary cycles, each found once from its smallest file: the walk visits only larger files
  // of the same strongly connected component (those that can lead back), so a DAG costs nothing.
  for (const start of files) {
    const leadsBack = (file: string) => file > start && component.get(file) === component.get(start);
    const walk = (file: string, trail: string[]): void => {
      for (const next of graph.get(file) ?? []) {
        if (cycles.length >= MAX_CYCLES) return;
        if (next === start) cycles.push([...trail, start].map(name).join(' -> '));
        else if (leadsBack(next) && !trail.includes(next)) walk(next, [...trail, next]);
      }
    };
    walk(start, [start]);
  }
  return cycles;
}

/** Enough to show what is wrong; a tangle can have more cycles than anyone will read. */
const MAX_CYCLES = 100;

/** Tarjan's algorithm: each file's strongly connected component, as a number. */
function stronglyConnected(graph: Map<string, string[]>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  let components = 0;
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (!component.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const id = components++;
    let member: string;
    do {
      member = stack.pop()!;
      component.set(member, id);
    } while (member !== file);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return component;
}

/** Module specifiers a file imports or re-exports, type-only ones included. */
function importSpecifiers(file: string): string[] {
  return ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

function tsFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFilesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function resolveTs(base: string): string | undefined {
  return [`${base}.ts`, path.join(base, 'index.ts'), base].find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
}
