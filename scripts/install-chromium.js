#!/usr/bin/env node
// Installs Debian's chromium for the browser tests (test/pages/, driven by playwright-core with
// executablePath /usr/bin/chromium). Skipped when it is there. As root it runs
// `apt-get install -y --no-install-recommends chromium` (about 15 s; apt-get update first when
// the package is unknown); otherwise it says how to install it and fails, since the page tests
// cannot run without it. Plain JS: it runs before anything is built.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';

if (fs.existsSync(CHROMIUM)) {
  console.log(`chromium: ready at ${CHROMIUM}`);
  process.exit(0);
}
if (process.platform !== 'linux' || typeof process.getuid !== 'function' || process.getuid() !== 0) {
  console.error(
    `chromium: ${CHROMIUM} is missing and this is not root, so it cannot be installed here. The browser tests need it:\n` +
      '  sudo apt-get install -y --no-install-recommends chromium   (Debian/Ubuntu)\n' +
      'then run the tests again.',
  );
  process.exit(1);
}
const apt = (args) =>
  execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
console.log("chromium: installing Debian's chromium (apt-get install chromium)");
try {
  apt(['install', '-y', '--no-install-recommends', 'chromium']);
} catch {
  // A fresh image has no package lists yet.
  apt(['update']);
  apt(['install', '-y', '--no-install-recommends', 'chromium']);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`chromium: apt-get finished but ${CHROMIUM} is still missing`);
  process.exit(1);
}
