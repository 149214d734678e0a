import { AgentError, ExitCode } from './agent.errors';
import { parseCommandLine } from './cli.args';

function usageOf(argv: string[]): AgentError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    return error as AgentError;
  }
  throw new Error('expected a usage error');
}

describe(parseCommandLine.name, () => {
  it('reads global flags before and after the command', () => {
    const sut = parseCommandLine([
      '--home',
      '/h',
      'send',
      '--json',
      'a.CSV',
      'b.CSV',
      '--platform',
      'http://p',
    ]);

    expect(sut.command).toBe('send');
    expect(sut.global).toEqual({ home: '/h', json: true, platform: 'http://p', help: false });
    expect(sut.positionals).toEqual(['a.CSV', 'b.CSV']);
  });

  it('reads --profile and --passphrase-file anywhere, and the profile subcommands', () => {
    const sut = parseCommandLine([
      '--profile',
      '1310000004-43',
      'profile',
      'remove',
      'old',
      '--passphrase-file',
      '/p',
    ]);

    expect(sut.command).toBe('profile remove');
    expect(sut.global).toMatchObject({ profile: '1310000004-43', passphraseFile: '/p' });
    expect(sut.values).toEqual({});
    expect(sut.positionals).toEqual(['old']);
    expect(parseCommandLine(['profile']).command).toBe('profile');
    expect(parseCommandLine(['profile', 'rekey', '--new-passphrase-file', 'n']).values).toEqual({
      'new-passphrase-file': 'n',
    });
    expect(parseCommandLine(['init', '--p12', 'a.p12', '--name', '1310000004-43']).values).toMatchObject({
      name: '1310000004-43',
    });
    expect(usageOf(['init', '--unencrypted-key']).exitCode).toBe(ExitCode.Usage);
  });

  it('takes pki subcommands and repeated --service-type', () => {
    const sut = parseCommandLine([
      'pki',
      'issue',
      '--ca',
      'ca',
      '--office',
      '1310000004',
      '--service-type',
      '11',
      '--service-type',
      '15',
      '--out',
      'o.p12',
    ]);

    expect(sut.command).toBe('pki issue');
    expect(sut.values['service-type']).toEqual(['11', '15']);
    expect(sut.positionals).toEqual([]);
  });

  it('gives no command for --help alone', () => {
    expect(parseCommandLine(['--help']).command).toBeUndefined();
    expect(parseCommandLine(['-h']).global.help).toBe(true);
  });

  it.each([
    [['bogus']],
    [['pki', 'nope']],
    [['inbox', '--unknown']],
    [['init', '--p12']],
    [['send', '--home']],
  ])('refuses %j as a usage error (exit 2)', (argv) => {
    const error = usageOf(argv);

    expect(error).toBeInstanceOf(AgentError);
    expect(error.exitCode).toBe(ExitCode.Usage);
  });

  it('does not accept a flag of another command', () => {
    expect(usageOf(['inbox', '--all']).exitCode).toBe(ExitCode.Usage);
  });
});
