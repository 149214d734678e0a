// Root Jest config: `unit` runs *.spec.ts with no infrastructure; `integration` runs *.integration-spec.ts
process.env.TZ = 'UTC';
// against the real PostgreSQL, Kafka and MinIO that deploy/local/infra starts (see libs/testing/src/infra).
const preset = require('./jest.preset.js');

const fs = require('node:fs');
const path = require('node:path');

const roots = ['libs', 'services', 'clients', 'tools', 'deploy', 'bench']
  .filter((dir) => fs.existsSync(path.join(__dirname, dir)))
  .map((dir) => `<rootDir>/${dir}`);

module.exports = {
  projects: [
    { ...preset, displayName: 'unit', roots, testMatch: ['**/*.spec.ts'] },
    {
      ...preset,
      displayName: 'integration',
      roots,
      testMatch: ['**/*.integration-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/infra/global-setup.ts',
      setupFiles: ['<rootDir>/libs/testing/src/infra/setup-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/slow-timeout.js'],
    },
    {
      ...preset,
      displayName: 'e2e',
      roots: ['<rootDir>/e2e'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/infra/global-setup.ts',
      setupFiles: ['<rootDir>/libs/testing/src/infra/setup-env.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/slow-timeout.js'],
    },
  ],
};
