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
