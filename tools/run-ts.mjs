#!/usr/bin/env node
// Runs a TypeScript entry point with SWC (decorator metadata and the tsconfig path aliases included):
//   node tools/run-ts.mjs <file.ts> [args...]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node tools/run-ts.mjs <file.ts> [args...]');
  process.exit(2);
}
// resolved from the repo, so an entry point runs from any working directory
const register = createRequire(path.join(root, 'package.json')).resolve('@swc-node/register');
// RUN_TS_NODE_FLAGS: extra node flags that NODE_OPTIONS refuses (e.g. --cpu-prof --cpu-prof-dir=DIR)
const nodeFlags = (process.env.RUN_TS_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const child = spawn(process.execPath, [...nodeFlags, '-r', register, path.resolve(entry), ...args], {
  stdio: 'inherit',
  env: {
    ...process.env,
    SWC_NODE_PROJECT: path.join(root, 'tsconfig.base.json'),
    TS_NODE_PROJECT: path.join(root, 'tsconfig.base.json'),
  },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
