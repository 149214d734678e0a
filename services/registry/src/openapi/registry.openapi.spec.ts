import { documentedOperations, openApiProblems, type OpenApiDocument } from '@renkei/testing';
import { registryOpenApi } from './registry.openapi';

const document = registryOpenApi as unknown as OpenApiDocument;

describe('registryOpenApi', () => {
  it('is a valid OpenAPI 3.1 document whose refs all resolve and whose schemas compile', () => {
    expect(openApiProblems(document)).toEqual([]);
  });

  it('gives every operation an id, a summary and the error body for each refusal', () => {
    const ids = new Set<string>();
    for (const operation of documentedOperations(document)) {
      const [method, path] = operation.split(' ');
      const item = document.paths?.[path]?.[method.toLowerCase()] as {
        operationId: string;
        summary: string;
        responses: Record<string, unknown>;
      };
      expect(item.summary).not.toEqual('');
      expect(ids.has(item.operationId)).toBe(false);
      ids.add(item.operationId);
      expect(Object.keys(item.responses)).toContain('500');
    }
    expect(ids.size).toBe(documentedOperations(document).length);
  });
});
