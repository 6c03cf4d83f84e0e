/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
	globalSetup: '<rootDir>/test/harness/global-setup.ts',
	globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
	testTimeout: 30000,
	// One suite at a time: the end-to-end suites run real n8n processes (queue mode: three of them,
	// with Redis and PostgreSQL), and two such suites side by side on a 2-core machine starve each
	// other into timeouts. `npm run test:unit` runs the unit suites in parallel.
	maxWorkers: 1,
};
