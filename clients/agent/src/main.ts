// Entry point of the `renkei` CLI (bin/renkei.js loads this through SWC).
import { runCli } from './cli';
import { ttySecretPrompt } from './tty-prompt';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  promptSecret: ttySecretPrompt(process.stdin, process.stderr),
  progressStream: process.stderr,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`予期しないエラー (unexpected error): ${String(error)}\n`);
    process.exitCode = 1;
  },
);
