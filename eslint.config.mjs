// Lint is the source of truth for the rules STYLE.md explains: module boundaries by scope/type tags, no deep
// lib imports, promise safety, exhaustive switches, and Jest hygiene.
import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.nx/**',
      '.renkei/**',
      'libs/contracts/src/gen/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@renkei/*/*', '!@renkei/platform/testing'],
              message: 'import a lib through its root alias @renkei/<lib>',
            },
          ],
        },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            {
              sourceTag: 'type:standalone',
              onlyDependOnLibsWithTags: ['type:service', 'type:infra', 'type:contracts', 'type:util'],
            },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util', 'type:testing'],
            },
            {
              sourceTag: 'type:client',
              onlyDependOnLibsWithTags: ['type:infra', 'type:contracts', 'type:util', 'type:testing'],
            },
            {
              sourceTag: 'type:infra',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:testing'],
            },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: ['@nestjs/*', 'typeorm', 'kafkajs', 'minio', 'pg'],
            },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            // services never import each other: a service may not depend on another scope's service
            {
              sourceTag: 'scope:registry',
              notDependOnLibsWithTags: [
                'scope:certificate',
                'scope:intake',
                'scope:storage',
                'scope:delivery',
                'scope:billing',
              ],
            },
            {
              sourceTag: 'scope:certificate',
              notDependOnLibsWithTags: [
                'scope:registry',
                'scope:intake',
                'scope:storage',
                'scope:delivery',
                'scope:billing',
              ],
            },
            {
              sourceTag: 'scope:intake',
              notDependOnLibsWithTags: [
                'scope:registry',
                'scope:certificate',
                'scope:storage',
                'scope:delivery',
                'scope:billing',
              ],
            },
            {
              sourceTag: 'scope:storage',
              notDependOnLibsWithTags: [
                'scope:registry',
                'scope:certificate',
                'scope:intake',
                'scope:delivery',
                'scope:billing',
              ],
            },
            {
              sourceTag: 'scope:delivery',
              notDependOnLibsWithTags: [
                'scope:registry',
                'scope:certificate',
                'scope:intake',
                'scope:storage',
                'scope:billing',
              ],
            },
            {
              sourceTag: 'scope:billing',
              notDependOnLibsWithTags: [
                'scope:registry',
                'scope:certificate',
                'scope:intake',
                'scope:storage',
                'scope:delivery',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // testing helpers only from tests, fixtures and benches
    files: ['libs/platform/src/**/*.ts', 'libs/contracts/src/**/*.ts', 'services/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.contract.ts', '**/fixtures/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@renkei/testing', message: '@renkei/testing is for tests only' },
            {
              name: '@renkei/platform/testing',
              message: '@renkei/platform/testing is for tests and benches only',
            },
          ],
          patterns: [
            {
              group: ['@renkei/*/*', '!@renkei/platform/testing'],
              message: 'import a lib through its root alias @renkei/<lib>',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.contract.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/valid-expect': 'error',
      'jest/valid-title': ['error', { ignoreTypeOfDescribeName: true }],
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect*', 'describe*Contract'] }],
    },
  },
  {
    // a contract suite exists to be imported by each adapter's spec
    files: ['**/*.contract.ts'],
    rules: { 'jest/no-export': 'off' },
  },
];
