#!/usr/bin/env node
/**
 * `tsc` writes files without the execute bit, and npm sets it on a bin only
 * when it links the package, before `dist` exists. After a build, make every
 * workspace bin executable, so `npx realxdeal-loader` and
 * `./packages/loader/dist/cli.js` run straight away.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const { workspaces = [] } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
for (const workspace of workspaces) {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, workspace, 'package.json'), 'utf8'));
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const bin of bins) {
    const file = path.join(root, workspace, bin);
    if (!fs.existsSync(file)) throw new Error(`${workspace}: bin ${bin} was not built`);
    fs.chmodSync(file, 0o755);
  }
}
