// A bench-like run on the real PostgreSQL: one prefecture's whole master of 20,000 offices uploaded as MS932 CSV,
// then again with 10% changed and 5% gone, then the original as JSON (through the route's own JSON parser). Prints the times; asserts only the outcome.
import { startServiceUnderTest, TestTokens, type ServiceUnderTest } from '@renkei/harness';
import type { TokenClaims } from '@renkei/platform';
import { registryApp } from '../registry.app';
import { registryDefinition } from '../registry.definition';
import { csvOf, officeInput, type OfficeInput } from './fixtures/office-master.fixtures';

const OFFICES = 20_000;
const tokens = new TestTokens('office-master-bench');
let service: ServiceUnderTest;

const token = tokens.token({ officeNumber: 'KOKUHOREN13', serviceTypes: [] }, {
  roles: ['kokuhoren'],
  prefecture: '13',
} as Partial<TokenClaims>);

async function timed(
  label: string,
  body: Buffer | string,
  contentType: string,
  query = '',
): Promise<Record<string, unknown>> {
  const started = process.hrtime.bigint();
  const response = await fetch(`${service.running.url}/v1/office-master/13${query}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    body,
  });
  const answer = (await response.json()) as Record<string, unknown>;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(
    `office master bench: ${label}: ${response.status} in ${ms.toFixed(0)} ms (${(body.length / 1024 / 1024).toFixed(1)} MiB)\n`,
  );
  return { status: response.status, ...answer };
}

describe('office master upload bench', () => {
  beforeAll(async () => {
    service = await startServiceUnderTest(registryApp, {
      databasePrefix: 'registry_office_master_bench',
      definitions: [registryDefinition],
      tokens,
      env: { CERTIFICATE_EXPIRY_CHECK_INTERVAL_SECONDS: '86400', LOG_LEVEL: 'warn' },
    });
  });

  afterAll(() => service?.close());

  it(`uploads ${OFFICES} offices, then a changed master, and prints the times`, async () => {
    const offices: OfficeInput[] = Array.from({ length: OFFICES }, (_, i) =>
      officeInput('13', i + 1, { serviceTypes: i % 3 === 0 ? ['43', '46'] : ['11'] }),
    );

    const first = await timed('20,000 new offices (CSV)', csvOf(offices), 'text/csv', '?asOf=2026-10-01');
    const again = await timed('the same bytes again', csvOf(offices), 'text/csv', '?asOf=2026-10-01');
    const changed = offices
      .filter((_, i) => i % 20 !== 0)
      .map((office, i) => (i % 10 === 0 ? { ...office, address: `${office.address ?? ''} 2F` } : office));
    const second = await timed(
      '10% changed, 5% closed (CSV)',
      csvOf(changed),
      'text/csv',
      '?asOf=2026-11-01',
    );

    expect(first).toMatchObject({ status: 201, added: OFFICES });
    expect(again).toMatchObject({ status: 200, id: first['id'] });
    expect(second).toMatchObject({ status: 201, added: 0, changed: 1900, closed: 1000, unchanged: 17100 });
    const json = await timed(
      '20,000 offices (JSON)',
      JSON.stringify({ asOf: '2026-12-01', offices }),
      'application/json',
    );
    // the 1,000 closed offices come back and the 1,900 changed addresses revert
    expect(json).toMatchObject({ status: 201, added: 0, changed: 2900, closed: 0, unchanged: 17100 });
  });
});
