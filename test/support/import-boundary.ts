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
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName: specifier } of importedFiles) {
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
