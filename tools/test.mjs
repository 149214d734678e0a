#!/usr/bin/env node
// `npm test`: every check CI runs, in order — typecheck, lint, proto lint and generated-code drift, then the
// unit and integration suites (the integration suite starts deploy/local/infra if it is not running).
// Ends with one line `N passed, N failed, N skipped`, also written to tmp/test-summary.txt.
//   --unit       unit tests only (no infrastructure)
//   --no-static  skip typecheck, lint and proto checks
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const skipStatic = args.includes('--no-static');
const tmp = path.join(root, 'tmp');
mkdirSync(tmp, { recursive: true });
const env = { ...process.env, TZ: 'UTC', NX_NO_CLOUD: 'true', NX_DAEMON: 'false' };

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function check(name, command, commandArgs) {
  const started = Date.now();
  process.stdout.write(`▶ ${name}\n`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status === 0) {
    passed += 1;
    process.stdout.write(`✔ ${name} (${seconds} s)\n`);
  } else {
    failed += 1;
    failures.push(name);
    process.stdout.write(`✘ ${name} (${seconds} s)\n`);
  }
}

if (!skipStatic) {
  check('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  // the module-boundary rule reads Nx's project graph, which must be computed first
  spawnSync(bin('nx'), ['show', 'projects'], { cwd: root, stdio: 'ignore', env });
  const lintDirs = ['libs', 'services', 'clients', 'tools', 'bench', 'deploy', 'e2e'].filter((dir) =>
    existsSync(path.join(root, dir)),
  );
  check('lint', bin('eslint'), ['--max-warnings', '0', ...lintDirs]);
  check('format (prettier)', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
  check('proto lint', bin('buf'), ['lint', 'proto']);
  check('proto breaking changes against main', bin('buf'), [
    'breaking',
    'proto',
    '--against',
    '.git#branch=main,subdir=proto',
  ]);
  check('generated contracts are current', process.execPath, [
    path.join(root, 'tools', 'check-generated.mjs'),
  ]);
}

const results = path.join(tmp, 'jest-results.json');
const jestArgs = ['--json', `--outputFile=${results}`, '--selectProjects', 'unit'];
if (!unitOnly) jestArgs.push('integration', 'e2e');
const jest = spawnSync(bin('jest'), jestArgs, { cwd: root, stdio: 'inherit', env });
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  skipped += report.numPendingTests + report.numTodoTests;
  if (report.numRuntimeErrorTestSuites > 0)
    failures.push(`${report.numRuntimeErrorTestSuites} test file(s) failed to run`);
  if (jest.status !== 0 && report.numFailedTests === 0 && report.numRuntimeErrorTestSuites === 0) {
    failed += 1;
    failures.push('jest exited non-zero');
  }
} else {
  failed += 1;
  failures.push('jest produced no results');
}

if (failures.length > 0) process.stdout.write(`\nfailed: ${failures.join('; ')}\n`);
const summary = `${passed} passed, ${failed} failed, ${skipped} skipped`;
writeFileSync(path.join(tmp, 'test-summary.txt'), `${summary}\n`);
process.stdout.write(`${summary}\n`);
process.exit(failed === 0 ? 0 : 1);
