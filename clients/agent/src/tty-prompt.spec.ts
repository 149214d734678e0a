import { PassThrough } from 'node:stream';
import { ttySecretPrompt } from './tty-prompt';

function terminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    modes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.modes.push(mode);
      return input;
    },
  });
  const written: string[] = [];
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => written.push(chunk.toString()));
  return { input, output, written };
}

describe(ttySecretPrompt.name, () => {
  it('is absent when stdin is not a terminal', () => {
    expect(ttySecretPrompt(new PassThrough(), new PassThrough())).toBeUndefined();
  });

  it('reads one line in raw mode without echoing it, honouring backspace', async () => {
    const { input, output, written } = terminal();
    const prompt = ttySecretPrompt(input, output) as (q: string) => Promise<string>;

    const answer = prompt('パスフレーズ: ');
    input.write('secreu\u007ft 鍵\r');

    await expect(answer).resolves.toBe('secret 鍵');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.join('')).toBe('パスフレーズ: \n');
    expect(input.modes).toEqual([true, false]);
  });

  it('gives up on Ctrl-C', async () => {
    const { input, output } = terminal();
    const prompt = ttySecretPrompt(input, output) as (q: string) => Promise<string>;

    const answer = prompt('? ');
    input.write('abc\u0003');

    await expect(answer).rejects.toMatchObject({ code: 'KEY_PASSPHRASE_REQUIRED' });
  });
});
