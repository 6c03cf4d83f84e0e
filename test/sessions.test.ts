/**
 * Sessions: detection and login at most once per execution, the stored session reused across
 * executions, and Cloudreve's HTTP-200 {"code":401} answered by exactly one re-login.
 */
import { DEMO_USER, FakeCloudreve } from './fake-cloudreve/server';
import { CredentialStore, runNode } from './harness/n8n';
import { VERSIONS, addDownload, createFolder, failureOf, rssItems, withServer } from './harness/scenario';

describe.each(VERSIONS)('Sessions on Cloudreve %s', (version) => {
	const isV4 = version.startsWith('4');
	const addPath = isV4 ? '/workflow/download' : '/aria2/url';

	test('100 input items cause exactly 1 version probe and 1 login', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/RSS'), items: rssItems(100) });

			expect(output).toHaveLength(100);
			expect(output.every((item, index) => item.pairedItem && (item.pairedItem as { item: number }).item === index && !item.json.error)).toBe(true);
			expect(server.stats.probes).toBe(1);
			expect(server.stats.logins).toBe(1);
			expect(server.stats.loginAttempts).toBe(1);
			expect(server.tasks).toHaveLength(100);
		});
	});

	test('a second execution with a valid stored session logs in 0 times and probes 0 times', async () => {
		await withServer({ version }, async ({ server, store }) => {
			await runNode({ store, parameters: createFolder('/first') });
			const stored = store.data.session;
			const before = { ...server.stats };

			await runNode({ store, parameters: addDownload('={{ $json.link }}', '/first'), items: rssItems(3) });

			expect(server.stats.logins - before.logins).toBe(0);
			expect(server.stats.loginAttempts - before.loginAttempts).toBe(0);
			expect(server.stats.probes - before.probes).toBe(0);
			expect(store.data.session).toBe(stored);
			expect(server.tasks).toHaveLength(3);
		});
	});

	test('a session invalidated between executions causes exactly 1 re-login, stored for the next run', async () => {
		await withServer({ version }, async ({ server, store }) => {
			await runNode({ store, parameters: createFolder('/a') });
			const oldSession = store.data.session;
			server.invalidateSessions();

			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/a'), items: rssItems(3) });

			expect(output.map((item) => item.json.error)).toEqual([undefined, undefined, undefined]);
			expect(server.stats.logins).toBe(2);
			expect(server.stats.probes).toBe(1);
			expect(store.data.session).not.toBe(oldSession);
			// The third run uses what the second stored.
			await runNode({ store, parameters: createFolder('/b') });
			expect(server.stats.logins).toBe(2);
		});
	});

	test('a session expiring in the middle of a batch causes exactly 1 re-login and every item succeeds', async () => {
		await withServer({ version }, async ({ server, store }) => {
			let adds = 0;
			server.onRequest = (request, fake) => {
				if (request.path.startsWith(`/api/${fake.generation}${addPath}`) && ++adds === 5) fake.invalidateSessions();
			};
			// One request per item, so that the expiry falls between two of them.
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/RSS', { batchSize: 1 }), items: rssItems(10) });

			expect(output.filter((item) => item.json.error !== undefined)).toEqual([]);
			expect(output).toHaveLength(10);
			expect(server.stats.logins).toBe(2);
			expect(server.stats.probes).toBe(1);
			// Item 5 was refused once (body 401) and sent again: 11 add requests, 10 tasks, no duplicate.
			expect(server.requestsTo(addPath)).toHaveLength(11);
			expect(new Set(server.tasks.map((task) => task.url)).size).toBe(10);
			expect(server.tasks).toHaveLength(10);
		});
	});

	test('a second 401 in a row is a clear error, not a loop', async () => {
		await withServer({ version }, async ({ server, store }) => {
			await runNode({ store, parameters: createFolder('/x') });
			server.faults.push({ path: isV4 ? '/file/create' : '/directory', action: { kind: 'json', body: { code: 401, msg: 'Login required' } } });

			const error = await failureOf(runNode({ store, parameters: createFolder('/y') }));

			expect(error.message).toBe('Cloudreve did not accept the session (Cloudreve code 401: Login required) [item 0]');
			expect(error.description).toContain('logged in again');
			expect(server.stats.logins).toBe(2);
		});
	});
});

describe('Stored sessions and credential edits', () => {
	test('a 4.x access token that expired is replaced by a new login on the next request', async () => {
		await withServer({ version: '4.0.0', accessTokenTtlMs: 200 }, async ({ server, store }) => {
			await runNode({ store, parameters: createFolder('/t1') });
			await new Promise((resolve) => setTimeout(resolve, 300));
			const output = await runNode({ store, parameters: createFolder('/t2') });
			expect(output[0].json.path).toBe('/t2');
			expect(server.stats.logins).toBe(2);
		});
	});

	test('pointing the credential at another server does not reuse the old session or version', async () => {
		const first = new FakeCloudreve({ version: '3.8.3' });
		const second = new FakeCloudreve({ version: '4.0.0' });
		await first.start();
		await second.start();
		try {
			const store = CredentialStore.forServer(first.url, DEMO_USER.email, DEMO_USER.password);
			await runNode({ store, parameters: createFolder('/one') });
			store.data.serverUrl = second.url;

			const output = await runNode({ store, parameters: createFolder('/two') });

			expect(output[0].json).toMatchObject({ path: '/two', uri: 'cloudreve://my/two' });
			expect(second.stats.probes).toBe(1);
			expect(second.stats.logins).toBe(1);
			expect(second.requestsTo('/file/create')[0].headers.cookie).toBeUndefined();
			expect(store.data).toMatchObject({ serverGeneration: 'v4', serverVersion: '4.0.0' });
		} finally {
			await first.stop();
			await second.stop();
		}
	});

	test('a wrong password fails every item with the login error, after a single attempt', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			store.data.password = 'wrong-password-xyz';
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/'), items: rssItems(3), continueOnFail: true });

			expect(output.map((item) => item.json.error)).toEqual([0, 1, 2].map((i) => `Wrong email or password (Cloudreve code 40020: Wrong password or email address) [item ${i}]`));
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(server.stats.loginAttempts).toBe(1);
			expect(server.tasks).toHaveLength(0);
		});
	});

	test('an unreachable server fails every item after one connection attempt', async () => {
		const server = new FakeCloudreve({ version: '3.8.3' });
		await server.start();
		const url = server.url;
		await server.stop();
		const store = CredentialStore.forServer(url, DEMO_USER.email, DEMO_USER.password);
		const output = await runNode({ store, parameters: createFolder('={{ $json.title }}'), items: [{ json: { title: '/a' } }, { json: { title: '/b' } }], continueOnFail: true });
		expect(output).toEqual([0, 1].map((item) => ({ json: expect.objectContaining({ error: expect.stringMatching(/^Could not connect to 127\.0\.0\.1:\d+: connection refused \[item \d\]$/) }), pairedItem: { item } })));
	});
});

describe.each(['3.8.3', '4.0.0'])('Concurrent executions in one n8n process (a queue-mode worker) on Cloudreve %s', (version) => {
	test('10 executions starting at once without a stored session log in once', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const before = server.stats.logins;
			const runs = await Promise.all(Array.from({ length: 10 }, async (_, n) => await runNode({ store, parameters: addDownload(`http://c.example/${n}.iso`, '/warm') })));
			expect(runs.map((output) => output[0].json.error)).toEqual(Array(10).fill(undefined));
			expect(server.stats.logins - before).toBe(1);
			expect(server.tasks.map((task) => task.url).sort()).toEqual(Array.from({ length: 10 }, (_, n) => `http://c.example/${n}.iso`).sort());
		});
	});

	test('a session expiring while 8 executions run costs one re-login, and no link is added twice', async () => {
		await withServer({ version }, async ({ server, store }) => {
			await runNode({ store, parameters: createFolder('/busy') });
			const before = server.stats.logins;
			let adds = 0;
			server.onRequest = (request, fake) => {
				if (request.path.split('?')[0].endsWith(version.startsWith('4') ? '/workflow/download' : '/aria2/url') && ++adds === 12) fake.invalidateSessions();
			};
			const runs = await Promise.all(
				Array.from({ length: 8 }, async (_, run) => await runNode({ store, parameters: addDownload('={{ $json.link }}', '/busy', { batchSize: 1 }), items: rssItems(5, `http://busy.example/run${run}`) })),
			);
			expect(runs.flat().map((item) => item.json.error)).toEqual(Array(40).fill(undefined));
			expect(server.stats.logins - before).toBe(1);
			const urls = server.tasks.map((task) => task.url);
			expect(new Set(urls).size).toBe(40);
			expect(urls).toHaveLength(40);
		});
	});
});
