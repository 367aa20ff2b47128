#!/usr/bin/env node
// Installs schemathesis (the API fuzz test's client, test/api/fuzz.api.test.ts) from PyPI into
// its own virtualenv, .tools/schemathesis, at the pinned version: it has many dependencies, and a
// venv keeps them apart from the machine's Python. Skipped when that version is already there or
// SCHEMATHESIS_PATH names an `st` binary. Plain JS: it runs before anything is built.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pipInstall, pythonWithPip } = require('./pip-install');

const VERSION = '4.32.5';
const root = path.resolve(__dirname, '..');
const venv = path.join(root, '.tools', 'schemathesis');
const st = path.join(venv, 'bin', 'st');
const stamp = path.join(venv, `.installed-${VERSION}`);

if (process.env.SCHEMATHESIS_PATH) process.exit(0);
if (fs.existsSync(stamp) && fs.existsSync(st)) {
  console.log(`schemathesis ${VERSION}: ready in .tools/schemathesis`);
  process.exit(0);
}

const python = pythonWithPip(
  'schemathesis: python3 with pip is needed to install it from PyPI, or set SCHEMATHESIS_PATH to an `st` binary.',
);
console.log(`schemathesis ${VERSION}: installing into .tools/schemathesis`);
fs.rmSync(venv, { recursive: true, force: true });
const spec = `schemathesis==${VERSION}`;
const venvPython = path.join(venv, 'bin', 'python');
try {
  execFileSync(python, ['-m', 'venv', venv], { stdio: 'ignore' });
  pipInstall(venvPython, [spec]);
} catch {
  // Debian's python3 without python3-venv has no ensurepip: a bare venv, filled by the machine's pip.
  fs.rmSync(venv, { recursive: true, force: true });
  execFileSync(python, ['-m', 'venv', '--without-pip', venv], { stdio: 'inherit' });
  pipInstall(python, [spec], ['--python', venvPython]);
}
fs.writeFileSync(stamp, '');
console.log(`schemathesis ${VERSION}: ${st}`);
