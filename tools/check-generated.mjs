#!/usr/bin/env node
// Fails when libs/contracts/src/gen differs from what proto/ generates (generated files are never hand-edited).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(process.execPath, [path.join(root, 'tools', 'proto-generate.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
const diff = execFileSync('git', ['status', '--porcelain', '--', 'libs/contracts/src/gen'], {
  cwd: root,
  encoding: 'utf8',
});
if (diff.trim() !== '') {
  process.stderr.write(
    `libs/contracts/src/gen is out of date with proto/ — run npm run proto:generate and commit:\n${diff}`,
  );
  process.exit(1);
}
