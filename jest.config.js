// Root Jest config: `unit` runs *.spec.ts with no infrastructure; `integration` (*.integration-spec.ts) and
// `e2e` (e2e/*.e2e-spec.ts) run against the real PostgreSQL, Kafka and MinIO that deploy/local/infra starts
// (see libs/testing/src/infra).
const fs = require('node:fs');
const path = require('node:path');
const preset = require('./jest.preset.js');

process.env.TZ = 'UTC';

const roots = ['libs', 'services', 'clients', 'tools', 'deploy', 'bench']
  .filter((dir) => fs.existsSync(path.join(__dirname, dir)))
  .map((dir) => `<rootDir>/${dir}`);

const withInfrastructure = {
  ...preset,
  globalSetup: '<rootDir>/libs/testing/src/infra/global-setup.ts',
  setupFiles: ['<rootDir>/libs/testing/src/infra/setup-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/tools/jest/slow-timeout.js'],
};

module.exports = {
  projects: [
    { ...preset, displayName: 'unit', roots, testMatch: ['**/*.spec.ts'] },
    { ...withInfrastructure, displayName: 'integration', roots, testMatch: ['**/*.integration-spec.ts'] },
    { ...withInfrastructure, displayName: 'e2e', roots: ['<rootDir>/e2e'], testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
