import { Controller, Get, HttpException, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { generateKeyPairSync } from 'node:crypto';
import { Public, PRINCIPAL_KEY, Roles } from './auth.decorators';
import { AuthError, AuthErrorCode } from './auth.errors';
import { AuthGuard } from './auth.guard';
import { JsonWebKeySet, publicJwkOf, signEs256 } from './jws.util';
import { KeySetSource } from './key-set-source';
import { TokenVerifier } from './token-verifier';

@Controller('things')
class ThingsController {
  @Get()
  list(): string[] {
    return [];
  }

  @Public()
  @Get('open')
  open(): string {
    return 'open';
  }

  @Roles('operator', 'kokuhoren')
  @Get('admin')
  admin(): string {
    return 'admin';
  }
}

@Public()
@Controller('health')
class OpenController {
  @Get()
  live(): string {
    return 'live';
  }
}

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

class StaticKeySet extends KeySetSource {
  async fetch(): Promise<JsonWebKeySet> {
    return { keys: [publicJwkOf(key, 'k1')] };
  }
}

function context(
  controller: object,
  handler: (...args: never[]) => unknown,
  headers: Record<string, string> = {},
) {
  const request: Record<string, unknown> = { headers };
  const response = {
    headers: {} as Record<string, string>,
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
  };
  const host = new ExecutionContextHost([request, response], controller.constructor as never, handler);
  host.setType('http');
  return { host, request, response };
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpException) {
      return { status: error.getStatus(), code: (error.getResponse() as { code: unknown }).code };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe(AuthGuard.name, () => {
  beforeAll(() => Logger.overrideLogger(false));
  const sut = new AuthGuard(new Reflector(), new TokenVerifier(new StaticKeySet()));
  const things = new ThingsController();
  const now = Math.floor(Date.now() / 1000);
  const token = signEs256(
    {
      sub: '1310000001',
      serviceTypes: ['43'],
      roles: ['office'],
      iss: 'renkei-certificate',
      aud: 'renkei',
      iat: now,
      nbf: now,
      exp: now + 900,
      jti: 'j1',
      cnf: { 'x5t#S256': Buffer.alloc(32, 7).toString('base64url') },
    },
    key,
    'k1',
  );

  it('refuses a protected route without a token: 401 AUTH_TOKEN_MISSING with WWW-Authenticate', async () => {
    const { host, response } = context(things, things.list);

    expect(await refusal(sut.canActivate(host))).toEqual({ status: 401, code: 'AUTH_TOKEN_MISSING' });
    expect(response.headers['WWW-Authenticate']).toContain('Bearer');
  });

  it('refuses an Authorization header that is not a Bearer token', async () => {
    const { host } = context(things, things.list, { authorization: 'Basic dXNlcjpwdw==' });

    expect(await refusal(sut.canActivate(host))).toEqual({ status: 401, code: 'AUTH_TOKEN_MALFORMED' });
  });

  it('lets a valid token through and leaves the principal on the request', async () => {
    const { host, request } = context(things, things.list, { authorization: `Bearer ${token}` });

    expect(await sut.canActivate(host)).toBe(true);
    expect(request[PRINCIPAL_KEY]).toMatchObject({
      officeNumber: '1310000001',
      serviceTypes: ['43'],
      tokenId: 'j1',
    });
  });

  it('refuses a valid token without a role the route requires: 403 AUTH_ROLE_FORBIDDEN', async () => {
    const { host, request } = context(things, things.admin, { authorization: `Bearer ${token}` });

    expect(await refusal(sut.canActivate(host))).toEqual({ status: 403, code: 'AUTH_ROLE_FORBIDDEN' });
    expect(request[PRINCIPAL_KEY]).toBeUndefined();
  });

  it('lets a token holding one of the required roles through, with its prefecture', async () => {
    const kokuhoren = signEs256(
      {
        sub: 'KK13000000',
        serviceTypes: [],
        roles: ['kokuhoren'],
        prefecture: '13',
        iss: 'renkei-certificate',
        aud: 'renkei',
        iat: now,
        nbf: now,
        exp: now + 900,
        jti: 'j2',
        cnf: { 'x5t#S256': Buffer.alloc(32, 8).toString('base64url') },
      },
      key,
      'k1',
    );
    const { host, request } = context(things, things.admin, { authorization: `Bearer ${kokuhoren}` });

    expect(await sut.canActivate(host)).toBe(true);
    expect(request[PRINCIPAL_KEY]).toMatchObject({ roles: ['kokuhoren'], prefecture: '13' });
  });

  it('lets @Public() handlers and controllers through without a token', async () => {
    const open = new OpenController();

    expect(await sut.canActivate(context(things, things.open).host)).toBe(true);
    expect(await sut.canActivate(context(open, open.live).host)).toBe(true);
  });

  it('answers 503 AUTH_KEY_SET_UNAVAILABLE when the key set cannot be read', async () => {
    class Down extends KeySetSource {
      async fetch(): Promise<JsonWebKeySet> {
        throw new AuthError(AuthErrorCode.AUTH_KEY_SET_UNAVAILABLE, 'down');
      }
    }
    const guard = new AuthGuard(new Reflector(), new TokenVerifier(new Down()));
    const { host } = context(things, things.list, { authorization: `Bearer ${token}` });

    expect(await refusal(guard.canActivate(host))).toEqual({ status: 503, code: 'AUTH_KEY_SET_UNAVAILABLE' });
  });
});
