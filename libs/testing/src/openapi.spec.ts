import {
  documentedOperations,
  openApiPathOf,
  openApiProblems,
  OpenApiResponseChecker,
  type OpenApiDocument,
} from './openapi';

const document: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'example', version: '1' },
  paths: {
    '/v1/things/{thingId}': {
      get: {
        parameters: [{ name: 'thingId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'the thing',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': { description: 'no such thing' },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'count'],
        properties: { id: { type: 'string' }, count: { type: 'integer', minimum: 0 } },
        additionalProperties: false,
      },
    },
  },
};

describe('openApiProblems', () => {
  it('accepts a valid 3.1 document', () => {
    expect(openApiProblems(document)).toEqual([]);
  });

  it('names a missing info, a 3.0 version, a dangling $ref and a schema that does not compile', () => {
    const broken = {
      openapi: '3.0.3',
      paths: { '/x': { get: { responses: { '200': { $ref: '#/components/responses/Nope' } } } } },
      components: { schemas: { Bad: { type: 'object', properties: { n: { type: 'no-such-type' } } } } },
    } as unknown as OpenApiDocument;
    const problems = openApiProblems(broken).join('\n');
    expect(problems).toMatch(/info/);
    expect(problems).toMatch(/openapi/);
    expect(problems).toMatch(/#\/components\/responses\/Nope points nowhere/);
    expect(problems).toMatch(/components\.schemas\.Bad does not compile/);
  });
});

describe('documentedOperations and openApiPathOf', () => {
  it('lists METHOD path and converts express parameters', () => {
    expect(documentedOperations(document)).toEqual(['GET /v1/things/{thingId}']);
    expect(openApiPathOf('/v1/things/:thingId/parts/:partId')).toBe('/v1/things/{thingId}/parts/{partId}');
  });
});

describe('OpenApiResponseChecker', () => {
  const checker = new OpenApiResponseChecker(document);

  it('accepts a body that matches the documented schema, and a documented status without a body', () => {
    expect(
      checker.check('GET', '/v1/things/{thingId}', 200, 'application/json; charset=utf-8', {
        id: 'a',
        count: 1,
      }),
    ).toEqual([]);
    expect(checker.check('GET', '/v1/things/{thingId}', 404, 'application/json', undefined)).toEqual([]);
  });

  it('reports a body that breaks the schema, an undocumented status and an undocumented operation', () => {
    expect(
      checker.check('GET', '/v1/things/{thingId}', 200, 'application/json', { id: 'a', count: -1 }),
    ).toEqual([expect.stringMatching(/\/count must be >= 0/)]);
    expect(checker.check('GET', '/v1/things/{thingId}', 500, 'application/json', {})).toEqual([
      'GET /v1/things/{thingId} does not document status 500',
    ]);
    expect(checker.check('POST', '/v1/things/{thingId}', 200, 'application/json', {})).toEqual([
      'POST /v1/things/{thingId} is not documented',
    ]);
  });
});
