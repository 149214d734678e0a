#!/usr/bin/env node
// `npm start`: the whole platform in one process on embedded defaults (see services/standalone).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'node_modules', '@swc-node', 'register'))) {
  console.error(
    '依存パッケージが見つかりません。先に `npm install` を実行してください。 (dependencies missing: run `npm install` first)',
  );
  process.exit(1);
}
const child = spawn(
  process.execPath,
  [path.join(root, 'tools', 'run-ts.mjs'), path.join(root, 'services', 'standalone', 'src', 'main.ts')],
  { stdio: 'inherit', cwd: process.cwd() },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
