// A line read from the terminal without echo (the key passphrase), for the CLI when stdin is a TTY.
import { AgentError, AgentErrorCode, ExitCode } from './agent.errors';

interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

/** undefined unless `input` is a terminal that can switch off echo */
export function ttySecretPrompt(
  input: TtyInput,
  output: NodeJS.WritableStream,
): ((question: string) => Promise<string>) | undefined {
  if (!input.isTTY || typeof input.setRawMode !== 'function') return undefined;
  return (question) =>
    new Promise((resolve, reject) => {
      output.write(question);
      let line = '';
      const finish = (error?: AgentError): void => {
        input.removeListener('data', onData);
        input.setRawMode?.(false);
        input.pause();
        output.write('\n');
        if (error) reject(error);
        else resolve(line);
      };
      const onData = (chunk: Buffer | string): void => {
        for (const char of String(chunk)) {
          if (char === '\r' || char === '\n') return finish();
          if (char === '\u0003' || char === '\u0004') {
            return finish(
              new AgentError(
                AgentErrorCode.KEY_PASSPHRASE_REQUIRED,
                '入力を中止しました (cancelled)',
                ExitCode.Usage,
              ),
            );
          }
          if (char === '\u007f' || char === '\b') line = [...line].slice(0, -1).join('');
          else if (char >= ' ') line += char;
        }
      };
      input.setRawMode?.(true);
      input.resume();
      input.on('data', onData);
    });
}
