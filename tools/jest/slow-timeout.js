// Integration and e2e tests start real processes and infrastructure; Jest's testTimeout is global, so the
// longer limit is set per project here.
jest.setTimeout(Number(process.env.RENKEI_TEST_TIMEOUT_MS ?? 180000));
