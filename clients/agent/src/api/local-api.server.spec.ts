import { request } from 'node:http';
import { documentedOperations, OpenApiResponseChecker, openApiProblems } from '@renkei/testing';
import { AgentError, AgentErrorCode, ExitCode } from '../agent.errors';
import { ApiErrorCode } from './api.errors';
import { LOCAL_API_DOCUMENT } from './api.openapi';
import { ApiLogEntry, ApiServer, LocalApi, routeOperations, startApiServer } from './local-api.server';

const TOKEN = 'A'.repeat(43);
const ENVELOPE_ID = '0b9f1f0e-5a8e-4c0e-9d7b-2f7f0a4a3c11';

const item = {
  envelopeId: ENVELOPE_ID,
  sender: { officeNumber: '1310000004', serviceType: '43' },
  recipient: { officeNumber: '1320000001', serviceType: '11' },
  kind: 'plan',
  targetMonth: '202611',
  fileSequence: '20261124053000',
  files: [{ name: 'UPPLAN.CSV', mediaType: 'text/csv', size: 10, sha256: 'ab'.repeat(32) }],
  objectSize: 100,
  status: 'available',
  acceptedAt: '2026-11-24T05:30:01.000Z',
  availableAt: '2026-11-24T05:30:01.100Z',
  downloadedAt: null,
};

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** a raw HTTP call, so that Host and Origin can be anything */
function call(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('local API server', () => {
  let server: ApiServer;
  let api: jest.Mocked<LocalApi>;
  let logs: ApiLogEntry[];
  const checker = new OpenApiResponseChecker(LOCAL_API_DOCUMENT);

  beforeEach(async () => {
    logs = [];
    api = {
      sendUnit: jest.fn(),
      queueUnit: jest.fn(),
      getQueued: jest.fn(),
      listQueued: jest.fn(),
      listSent: jest.fn(),
      listReceived: jest.fn(),
      getUnit: jest.fn(),
      fetchReceived: jest.fn(),
      status: jest.fn(),
    };
    server = await startApiServer({
      api,
      token: TOKEN,
      port: 0,
      log: (e) => logs.push(e),
      maxBodyBytes: 4096,
    });
  });
  afterEach(() => server.close());

  it('documents exactly its route table, in a valid OpenAPI 3.1 document it serves without a token', async () => {
    expect(openApiProblems(LOCAL_API_DOCUMENT)).toEqual([]);
    expect(documentedOperations(LOCAL_API_DOCUMENT)).toEqual(routeOperations());
    const served = await call(server.port, 'GET', '/openapi.json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(LOCAL_API_DOCUMENT)));
  });

  it.each([
    ['no Authorization header', {}, ApiErrorCode.API_TOKEN_REQUIRED],
    ['another scheme', { authorization: `Basic ${TOKEN}` }, ApiErrorCode.API_TOKEN_REQUIRED],
    ['a wrong token', { authorization: `Bearer ${'B'.repeat(43)}` }, ApiErrorCode.API_TOKEN_INVALID],
    [
      'a prefix of the token',
      { authorization: `Bearer ${TOKEN.slice(0, 20)}` },
      ApiErrorCode.API_TOKEN_INVALID,
    ],
  ])('refuses %s with 401 and a stable code, before any handler runs', async (_, headers, code) => {
    for (const [method, path] of [
      ['GET', '/v1/status'],
      ['GET', '/v1/received'],
      ['POST', '/v1/units'],
      ['POST', `/v1/received/${ENVELOPE_ID}/fetch`],
    ]) {
      const answer = await call(server.port, method, path, headers);
      expect({ status: answer.status, code: answer.body['code'] }).toEqual({ status: 401, code });
      expect(typeof answer.body['message']).toBe('string');
      expect(
        checker.check(
          method,
          path.replace(ENVELOPE_ID, '{envelopeId}'),
          401,
          'application/json',
          answer.body,
        ),
      ).toEqual([]);
    }
    expect(Object.values(api).every((fn) => fn.mock.calls.length === 0)).toBe(true);
  });

  it.each([
    ['another host name (DNS rebinding)', { host: 'evil.example:18080' }, ApiErrorCode.HOST_FORBIDDEN],
    ['the right name on another port', { host: 'localhost:1' }, ApiErrorCode.HOST_FORBIDDEN],
    ['a browser Origin', { origin: 'http://127.0.0.1:3000' }, ApiErrorCode.ORIGIN_FORBIDDEN],
    ['the null Origin', { origin: 'null' }, ApiErrorCode.ORIGIN_FORBIDDEN],
  ])('refuses %s with 403, even with the token and for the document', async (_, headers, code) => {
    for (const path of ['/v1/status', '/openapi.json']) {
      const answer = await call(server.port, 'GET', path, { ...auth, ...headers });
      expect({ status: answer.status, code: answer.body['code'] }).toEqual({ status: 403, code });
    }
    expect(api.status).not.toHaveBeenCalled();
  });

  it('accepts localhost:<port> as the host and passes the query through', async () => {
    api.listReceived.mockResolvedValue({ items: [item], next: 'cursor-1' });
    const answer = await call(server.port, 'GET', '/v1/received?status=available&limit=5', {
      ...auth,
      host: `localhost:${server.port}`,
    });
    expect(answer).toEqual({ status: 200, body: { items: [item], next: 'cursor-1' } });
    expect(api.listReceived).toHaveBeenCalledWith({ status: 'available', limit: '5' });
    expect(checker.check('GET', '/v1/received', 200, 'application/json', answer.body)).toEqual([]);
  });

  it('routes path parameters, and answers 404 and 405 for what it does not serve', async () => {
    api.getUnit.mockResolvedValue(item);
    const unit = await call(server.port, 'GET', `/v1/units/${ENVELOPE_ID}`, auth);
    expect(unit.status).toBe(200);
    expect(api.getUnit).toHaveBeenCalledWith(ENVELOPE_ID);
    expect(checker.check('GET', '/v1/units/{envelopeId}', 200, 'application/json', unit.body)).toEqual([]);
    expect((await call(server.port, 'GET', '/v1/nothing', auth)).body['code']).toBe(
      ApiErrorCode.ROUTE_NOT_FOUND,
    );
    const wrongMethod = await call(server.port, 'DELETE', '/v1/units', auth);
    expect({ status: wrongMethod.status, code: wrongMethod.body['code'] }).toEqual({
      status: 405,
      code: ApiErrorCode.METHOD_NOT_ALLOWED,
    });
    const twice = await call(server.port, 'GET', '/v1/sent?limit=1&limit=2', auth);
    expect({ status: twice.status, code: twice.body['code'] }).toEqual({
      status: 400,
      code: ApiErrorCode.QUERY_INVALID,
    });
  });

  it('decodes a send body and passes the Idempotency-Key on; refuses other media types, bad bodies and large ones', async () => {
    api.sendUnit.mockResolvedValue({ status: 202, body: { envelopeId: ENVELOPE_ID } as never });
    const body = JSON.stringify({
      files: [{ name: 'A.CSV', contentBase64: Buffer.from('abc').toString('base64') }],
    });
    const json = { ...auth, 'content-type': 'application/json', 'idempotency-key': 'k-1' };
    expect((await call(server.port, 'POST', '/v1/units', json, body)).status).toBe(202);
    expect(api.sendUnit).toHaveBeenCalledWith('k-1', [
      { name: 'A.CSV', content: new Uint8Array(Buffer.from('abc')) },
    ]);

    const text = await call(
      server.port,
      'POST',
      '/v1/units',
      { ...json, 'content-type': 'text/plain' },
      body,
    );
    expect({ status: text.status, code: text.body['code'] }).toEqual({
      status: 415,
      code: ApiErrorCode.MEDIA_TYPE_UNSUPPORTED,
    });
    const notJson = await call(server.port, 'POST', '/v1/units', json, '{');
    expect({ status: notJson.status, code: notJson.body['code'] }).toEqual({
      status: 400,
      code: ApiErrorCode.BODY_INVALID,
    });
    const bad = await call(
      server.port,
      'POST',
      '/v1/units',
      json,
      JSON.stringify({
        files: [
          { name: '../x', contentBase64: '***' },
          { name: 'B', contentBase64: '' },
          { name: 'B', contentBase64: '' },
        ],
      }),
    );
    expect(bad.status).toBe(400);
    expect((bad.body['details'] as { problems: string[] }).problems).toEqual([
      'files[0].name must be a file name (no path), 1 to 255 characters',
      'files[0].contentBase64 must be base64',
      'the same file name twice: B',
    ]);
    const large = await call(
      server.port,
      'POST',
      '/v1/units',
      json,
      JSON.stringify({ files: [{ name: 'A', contentBase64: 'QUFB'.repeat(2000) }] }),
    );
    expect({ status: large.status, code: large.body['code'] }).toEqual({
      status: 413,
      code: ApiErrorCode.BODY_TOO_LARGE,
    });
    expect(api.sendUnit).toHaveBeenCalledTimes(1);
  });

  it('stops reading a chunked body at the limit with 413', async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/v1/units',
          headers: {
            host: `127.0.0.1:${server.port}`,
            ...auth,
            'content-type': 'application/json',
            'idempotency-key': 'k-2',
            'transfer-encoding': 'chunked',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            }),
          );
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write('x'.repeat(1024));
      req.end();
    });
    expect({ status: answer.status, code: answer.body['code'] }).toEqual({
      status: 413,
      code: ApiErrorCode.BODY_TOO_LARGE,
    });
    expect(api.sendUnit).not.toHaveBeenCalled();
  });

  it('answers agent and platform errors with fitting statuses, and hides unexpected ones', async () => {
    api.status.mockRejectedValueOnce(
      new AgentError(
        AgentErrorCode.PLATFORM_UNREACHABLE,
        'プラットフォームに接続できません',
        ExitCode.Unreachable,
      ),
    );
    api.status.mockRejectedValueOnce(
      new AgentError('LICENCE_NOT_LIVE', 'ライセンスがありません', ExitCode.Refused, { status: 403 }),
    );
    api.status.mockRejectedValueOnce(new AgentError('TOKEN_INVALID', 'x', ExitCode.Refused, { status: 401 }));
    api.status.mockRejectedValueOnce(new Error('secret-ish internals'));
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(server.port, 'GET', '/v1/status', auth));
    expect(answers.map((a) => [a.status, a.body['code']])).toEqual([
      [502, AgentErrorCode.PLATFORM_UNREACHABLE],
      [403, 'LICENCE_NOT_LIVE'],
      [502, 'TOKEN_INVALID'],
      [500, AgentErrorCode.UNEXPECTED],
    ]);
    expect(JSON.stringify(answers[3].body)).not.toContain('secret-ish');
  });

  it('logs each call in English without the token, the query or the body', async () => {
    api.listSent.mockResolvedValue({ items: [], next: null });
    await call(server.port, 'GET', '/v1/sent?after=cursor-xyz', auth);
    await call(server.port, 'GET', '/v1/sent', { authorization: 'Bearer wrong-token-value' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const requests = logs.filter((l) => l.event === 'request');
    expect(requests.map((l) => l.message)).toEqual(['GET /v1/sent 200', 'GET /v1/sent 401']);
    const text = JSON.stringify(logs);
    for (const secret of [TOKEN, 'wrong-token-value', 'cursor-xyz']) expect(text).not.toContain(secret);
  });

  it('finishes a call in progress when it is closed, and refuses new connections', async () => {
    let release: () => void = () => undefined;
    api.status.mockImplementation(
      () => new Promise((resolve) => (release = () => resolve({ profile: 'p' } as never))),
    );
    const pending = call(server.port, 'GET', '/v1/status', auth);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(call(server.port, 'GET', '/openapi.json')).rejects.toThrow();
    release();
    expect((await pending).status).toBe(200);
    await closing;
  });
});
