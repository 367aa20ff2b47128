// What the installers (install-temporal.js, install-schemathesis.js) share: finding a Python
// with pip, and pip's install as they run it. Plain JS with Node built-ins only: it runs before
// anything is built or installed.
'use strict';
const { execFileSync } = require('node:child_process');

/** `python3` or `python`, whichever has pip; when neither has, prints `missing` and exits 1. */
function pythonWithPip(missing) {
  const python = ['python3', 'python'].find((cmd) => {
    try {
      execFileSync(cmd, ['-m', 'pip', '--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!python) {
    console.error(missing);
    process.exit(1);
  }
  return python;
}

/**
 * `python -m pip [pipOptions] install <args>`, quietly and with its output on the console.
 * PIP_ROOT_USER_ACTION: as root (containers, CI) pip would warn on every install.
 */
function pipInstall(python, args, pipOptions = []) {
  execFileSync(python, ['-m', 'pip', ...pipOptions, 'install', '--disable-pip-version-check', '--quiet', ...args], {
    stdio: 'inherit',
    env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
  });
}

module.exports = { pythonWithPip, pipInstall };
