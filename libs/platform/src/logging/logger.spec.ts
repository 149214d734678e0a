import { PassThrough } from 'node:stream';
import { runWithCorrelationId } from './correlation';
import { createLogger } from './logger';
import { PinoNestLogger } from './nest-logger';
import { Redactor } from './redactor';

function capture(secrets: string[] | Redactor = []) {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const sut = createLogger({
    service: 'intake',
    level: 'debug',
    format: 'json',
    ...(Array.isArray(secrets) ? { secretValues: secrets } : { redactor: secrets }),
    destination: stream,
  });
  return { sut, lines };
}

describe('createLogger', () => {
  it('writes JSON with the service and the current correlation id', () => {
    const { sut, lines } = capture();

    runWithCorrelationId('env-123', () => sut.info({ envelopeId: 'e1' }, 'envelope accepted'));

    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'intake',
        correlationId: 'env-123',
        envelopeId: 'e1',
        msg: 'envelope accepted',
      }),
    ]);
  });

  it('censors secret and personal keys at any depth', () => {
    const { sut, lines } = capture();

    sut.info(
      {
        req: { headers: { authorization: 'Bearer abc', accept: 'json' } },
        office: { userName: '山田太郎', officeNumber: '1310100011' },
        minioSecretKey: 'x',
      },
      'call',
    );

    expect(lines[0]).toMatchObject({
      req: { headers: { authorization: '[REDACTED]', accept: 'json' } },
      office: { userName: '[REDACTED]', officeNumber: '1310100011' },
      minioSecretKey: '[REDACTED]',
    });
  });

  it('censors configured secret values and PEM private keys inside messages and fields', () => {
    const { sut, lines } = capture(['s3cret-pw']);

    sut.warn(
      {
        url: 'postgres://renkei:s3cret-pw@db/renkei',
        pem: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
      },
      'connect failed with s3cret-pw',
    );

    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('s3cret-pw');
    expect(text).not.toContain('MIIE');
    expect(lines[0]).toMatchObject({ msg: 'connect failed with [REDACTED]', pem: '[REDACTED PRIVATE KEY]' });
  });

  it('censors a secret added to its redactor after it was created', () => {
    const redactor = new Redactor(['s3cret-pw']);
    const { sut, lines } = capture(redactor);

    redactor.add(['generated-pw']);
    sut.info('connect to postgres://renkei:generated-pw@127.0.0.1 with s3cret-pw');

    expect(lines[0]).toMatchObject({
      msg: 'connect to postgres://renkei:[REDACTED]@127.0.0.1 with [REDACTED]',
    });
  });

  it('replaces a malformed incoming correlation id with a fresh one', () => {
    const { sut, lines } = capture();

    runWithCorrelationId('bad id\nwith newline', () => sut.info('x'));

    expect(lines[0]?.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe(PinoNestLogger.name, () => {
  it('keeps the Nest context and the error', () => {
    const { sut, lines } = capture();
    const logger = new PinoNestLogger(sut);

    logger.log('service started', 'IntakeService');
    logger.error(new Error('boom'), 'IntakeService');

    expect(lines[0]).toMatchObject({ level: 'info', context: 'IntakeService', msg: 'service started' });
    expect(lines[1]).toMatchObject({
      level: 'error',
      context: 'IntakeService',
      msg: 'boom',
      err: { type: 'Error', message: 'boom' },
    });
  });

  it("logs an object's fields with the message that follows it, as `new Logger(ctx).log({…}, 'msg')` calls it", () => {
    const { sut, lines } = capture();
    const logger = new PinoNestLogger(sut);

    logger.log({ envelopeId: 'e-1', objectSize: 7 }, 'envelope accepted', 'EnvelopesService');
    logger.warn({ reason: 'x' }, 'IntakeService');

    expect(lines[0]).toMatchObject({
      level: 'info',
      context: 'EnvelopesService',
      envelopeId: 'e-1',
      objectSize: 7,
      msg: 'envelope accepted',
    });
    expect(lines[1]).toMatchObject({ level: 'warn', context: 'IntakeService', reason: 'x' });
    expect(lines[1]).not.toHaveProperty('msg');
  });
});
