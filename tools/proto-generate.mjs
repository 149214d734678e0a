#!/usr/bin/env node
// Regenerates libs/contracts/src/gen from proto/ with buf + protoc-gen-es, and stamps each file as generated.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'node_modules', '.bin');
execFileSync(path.join(bin, 'buf'), ['generate'], {
  cwd: path.join(root, 'proto'),
  stdio: 'inherit',
  env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
});

const stamp = '// Generated from proto/ by `npm run proto:generate`. Do not edit.\n';
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
for (const file of walk(path.join(root, 'libs', 'contracts', 'src', 'gen'))) {
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith(stamp)) writeFileSync(file, stamp + text);
}
