#!/usr/bin/env node
// Builds the real Temporal server (`temporal-server`, from cmd/server) and its SQL schema tool
// (`temporal-sql-tool`, from cmd/tools/sql) with `go install` from the Go module proxy, into
// .tools/temporal-server. The server publishes no package on the registries this machine
// reaches, so the module is the way in. GOTOOLCHAIN=auto lets go fetch the toolchain the module
// asks for through the same proxy. Skipped when both binaries of the pinned version are there.
// Plain JS: it runs before anything is built. Not part of `npm test`: the build takes minutes.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const MODULE = 'go.temporal.io/server';
const VERSION = 'v1.32.2';
const BINARIES = { 'temporal-server': 'cmd/server', 'temporal-sql-tool': 'cmd/tools/sql' };

const root = path.resolve(__dirname, '..');
const toolsDir = path.join(root, '.tools', 'temporal-server');
const binDir = path.join(toolsDir, 'bin');
const stamp = path.join(toolsDir, 'VERSION');
const goDir = path.join(toolsDir, 'go');
// The PostgreSQL schemas (and their versioned updates) the SQL tool applies, copied out of the
// module so that a cleaned module cache does not take them along.
const SCHEMA = path.join('schema', 'postgresql', 'v12');

const installed =
  fs.existsSync(stamp) &&
  fs.readFileSync(stamp, 'utf8').trim() === VERSION &&
  Object.keys(BINARIES).every((binary) => fs.existsSync(path.join(binDir, binary))) &&
  fs.existsSync(path.join(toolsDir, SCHEMA, 'temporal', 'versioned'));
if (installed) {
  console.log(`Temporal server: ${MODULE}@${VERSION} ready in ${path.relative(root, binDir)}`);
  process.exit(0);
}

const env = {
  ...process.env,
  GOTOOLCHAIN: 'auto',
  // -modcacherw: the module cache can be deleted with .tools (go makes it read-only otherwise).
  GOFLAGS: '-mod=mod -modcacherw',
  GOPATH: path.join(goDir, 'path'),
  GOMODCACHE: path.join(goDir, 'mod'),
  GOCACHE: path.join(goDir, 'cache'),
  GOBIN: binDir,
  CGO_ENABLED: '0',
};
fs.mkdirSync(binDir, { recursive: true });
const go = (args) => {
  console.log(`Temporal server: go ${args.join(' ')}`);
  execFileSync('go', args, { env, stdio: 'inherit', cwd: toolsDir });
};

try {
  execFileSync('go', ['version'], { env, stdio: 'ignore' });
} catch {
  console.error('Temporal server: the `go` command is needed to build it from the module proxy; install Go.');
  process.exit(1);
}
// `go install module/pkg@version` builds outside any go.mod, as the module pins it; it names the
// output after the package directory (server, sql), so each is renamed to what it is.
for (const [binary, pkg] of Object.entries(BINARIES)) {
  go(['install', `${MODULE}/${pkg}@${VERSION}`]);
  fs.renameSync(path.join(binDir, path.basename(pkg)), path.join(binDir, binary));
}
fs.cpSync(path.join(env.GOMODCACHE, `${MODULE}@${VERSION}`, SCHEMA), path.join(toolsDir, SCHEMA), {
  recursive: true,
});
fs.writeFileSync(stamp, `${VERSION}\n`);
console.log(`Temporal server: ${Object.keys(BINARIES).join(', ')} built in ${path.relative(root, binDir)}`);
