#!/usr/bin/env node
// Launcher of the `renkei` CLI: runs src/main.ts through SWC with the repo's tsconfig (path aliases included).
// npm links this file through node_modules/.bin, so every path is resolved from its real location.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const agentDir = path.resolve(path.dirname(fs.realpathSync(__filename)), '..');
const root = path.resolve(agentDir, '..', '..');
const tsconfig = path.join(root, 'tsconfig.base.json');
process.env.SWC_NODE_PROJECT = tsconfig;
process.env.TS_NODE_PROJECT = tsconfig;
try {
  require(require.resolve('@swc-node/register', { paths: [root] }));
} catch {
  console.error(
    '依存パッケージが見つかりません。リポジトリのルートで `npm install` を実行してください。 (dependencies missing: run `npm install` at the repository root)',
  );
  process.exit(1);
}
require(path.join(agentDir, 'src', 'main.ts'));
