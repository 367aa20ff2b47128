#!/usr/bin/env node
// Installs schemathesis (the API fuzz test's client, test/api/fuzz.api.test.ts) from PyPI into
// its own virtualenv, .tools/schemathesis, at the pinned version: it has many dependencies, and a
// venv keeps them apart from the machine's Python. Skipped when that version is already there or
// SCHEMATHESIS_PATH names an `st` binary. Plain JS: it runs before anything is built.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

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

const python = ['python3', 'python'].find((cmd) => {
  try {
    execFileSync(cmd, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
if (!python) {
  console.error(
    'schemathesis: python3 with pip is needed to install it from PyPI, or set SCHEMATHESIS_PATH to an `st` binary.',
  );
  process.exit(1);
}
console.log(`schemathesis ${VERSION}: installing into .tools/schemathesis`);
fs.rmSync(venv, { recursive: true, force: true });
const pipArgs = ['install', '--disable-pip-version-check', '--quiet', `schemathesis==${VERSION}`];
const env = { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' };
try {
  execFileSync(python, ['-m', 'venv', venv], { stdio: 'ignore' });
  execFileSync(path.join(venv, 'bin', 'python'), ['-m', 'pip', ...pipArgs], { stdio: 'inherit', env });
} catch {
  // Debian's python3 without python3-venv has no ensurepip: a bare venv, filled by the machine's pip.
  fs.rmSync(venv, { recursive: true, force: true });
  execFileSync(python, ['-m', 'venv', '--without-pip', venv], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', '--python', path.join(venv, 'bin', 'python'), ...pipArgs], {
    stdio: 'inherit',
    env,
  });
}
fs.writeFileSync(stamp, '');
console.log(`schemathesis ${VERSION}: ${st}`);
