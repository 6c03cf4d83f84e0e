/**
 * Faulty servers and networks: each fault gets its own message; Create Directory is retried with
 * backoff, Add Offline Download only when the request certainly never reached the server.
 */
import { DEMO_USER, FakeCloudreve } from './fake-cloudreve/server';
import { CredentialStore, runNode } from './harness/n8n';
import { addDownload, createFolder, failureOf, withServer } from './harness/scenario';

const ADD = '/api/v3/aria2/url';
const MKDIR = '/api/v3/directory';

/** Logged in already, so that the fault hits the operation's own request. */
async function warm(store: CredentialStore) {
	await runNode({ store, parameters: createFolder('/warm') });
}

describe('Faulty replies to Cloudreve 3.8.3 requests', () => {
	test.each([
		[{ kind: 'html' as const }, /^Got a web page instead of Cloudreve's API at http:\/\/127\.0\.0\.1:\d+\/api\/v3\/aria2\/url \(HTTP 200\)/],
		[{ kind: 'text' as const, body: 'OK' }, /^The reply at http:\/\/127\.0\.0\.1:\d+\/api\/v3\/aria2\/url is not Cloudreve's API \(HTTP 200\)/],
		[{ kind: 'empty' as const }, /^The server sent an empty reply at .*\/api\/v3\/aria2\/url \(HTTP 200\)/],
		[{ kind: 'status' as const, status: 502 }, /^The server answered HTTP 502 Bad\u00a0Gateway at .*\/api\/v3\/aria2\/url/],
		[{ kind: 'status' as const, status: 413 }, /^The server refused the request as too large \(HTTP 413\)/],
		[{ kind: 'status' as const, status: 404, body: '404 page not found', contentType: 'text/plain' }, /^No Cloudreve API at .*\/api\/v3\/aria2\/url \(HTTP 404\)/],
	])('Add Offline Download gets %j: its own message, and the request is not sent twice', async (action, message) => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			await warm(store);
			server.faults.push({ path: ADD, times: 1, action });
			const error = await failureOf(runNode({ store, parameters: addDownload('http://a.example/1', '/warm') }));
			expect(error.message).toMatch(message);
			expect(error.message).toContain('[item 0]');
			expect(server.requestsTo('/aria2/url')).toHaveLength(1);
		});
	});

	test('a reset in the middle of the reply: the link may have been added, so no retry and a warning to check', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			await warm(store);
			server.faults.push({ path: ADD, times: 1, action: { kind: 'reset', afterHandling: true } });
			const error = await failureOf(runNode({ store, parameters: addDownload('http://a.example/1', '/warm') }));
			expect(error.message).toMatch(/^The connection to 127\.0\.0\.1:\d+ was closed before the reply was complete/);
			expect(error.description).toContain('The links may or may not have been added: check the offline downloads in Cloudreve before running this item again.');
			expect(server.requestsTo('/aria2/url')).toHaveLength(1);
			expect(server.tasks).toHaveLength(1);
		});
	});

	test('a timeout (Timeout option, seconds) on Add Offline Download is reported and not retried', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			await warm(store);
			server.faults.push({ path: ADD, times: 1, action: { kind: 'hang' } });
			const error = await failureOf(runNode({ store, parameters: addDownload('http://a.example/1', '/warm', { timeout: 0.5 }) }));
			expect(error.message).toMatch(/^The request to 127\.0\.0\.1:\d+ timed out/);
			expect(error.description).toContain('may or may not have been added');
			expect(server.requestsTo('/aria2/url')).toHaveLength(1);
		});
	});

	test.each([
		[{ kind: 'status' as const, status: 502 }],
		[{ kind: 'status' as const, status: 503 }],
		[{ kind: 'reset' as const }],
		[{ kind: 'hang' as const }],
	])('Create Directory is retried after %j and succeeds', async (action) => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			await warm(store);
			server.faults.push({ path: MKDIR, method: 'PUT', times: 1, action });
			const output = await runNode({ store, parameters: createFolder('/retried', { timeout: 0.5 }) });
			expect(output[0].json.path).toBe('/retried');
			expect(server.requestsTo('/directory', 'PUT').filter((r) => (r.body as { path: string }).path === '/retried')).toHaveLength(2);
		});
	});

	test('Create Directory gives up after three attempts with the last failure', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			await warm(store);
			server.faults.push({ path: MKDIR, method: 'PUT', action: { kind: 'status', status: 503 } });
			const error = await failureOf(runNode({ store, parameters: createFolder('/never') }));
			expect(error.message).toMatch(/^The server answered HTTP 503 Service\u00a0Unavailable at .*\/api\/v3\/directory \[item 0\]$/);
			expect(server.requestsTo('/directory', 'PUT').filter((r) => (r.body as { path: string }).path === '/never')).toHaveLength(3);
		});
	});

	test('the version probe is retried after a 502 from a proxy', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			server.faults.push({ path: '/api/v3/site/ping', times: 1, action: { kind: 'status', status: 502 } });
			const output = await runNode({ store, parameters: createFolder('/probed') });
			expect(output[0].json.path).toBe('/probed');
			expect(server.requestsTo('/api/v3/site/ping')).toHaveLength(2);
		});
	});

	test('Add Offline Download is sent again after "connection refused" (it never reached the server)', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			await warm(store);
			await server.refuseConnectionsFor(100);
			const output = await runNode({ store, parameters: addDownload('http://a.example/after-restart', '/', { createDestination: false }) });
			expect(output[0].json.tasks).toEqual([{ url: 'http://a.example/after-restart', status: 'queued', taskId: server.tasks[0].id }]);
			expect(server.tasks.map((task) => task.url)).toEqual(['http://a.example/after-restart']);
		});
	});
});

describe('Faults in the middle of an item on Cloudreve 3.5.2 (one request per link)', () => {
	test('a 502 on the second link keeps the first as queued, flags the second as uncertain and does not send the third', async () => {
		await withServer({ version: '3.5.2' }, async ({ server, store }) => {
			await warm(store);
			let adds = 0;
			server.onRequest = (request, fake) => {
				if (request.path === ADD && ++adds === 2) fake.faults.push({ path: ADD, times: 1, action: { kind: 'status', status: 502 } });
			};
			const output = await runNode({ store, parameters: addDownload('http://a.example/1\nhttp://a.example/2\nhttp://a.example/3', '/warm'), continueOnFail: true });

			expect(output[0].json.error).toMatch(/^2 of 3 links could not be added: /);
			expect(output[0].json.tasks).toEqual([
				{ url: 'http://a.example/1', status: 'queued', taskId: server.tasks[0].id },
				expect.objectContaining({ url: 'http://a.example/2', status: 'failed', error: expect.stringMatching(/^The server answered HTTP 502 .*\(it may have been added anyway; check Cloudreve before retrying\)$/) }),
				expect.objectContaining({ url: 'http://a.example/3', status: 'failed', error: expect.stringMatching(/\(not sent\)$/) }),
			]);
			expect(adds).toBe(2);
			expect(server.tasks.map((task) => task.url)).toEqual(['http://a.example/1']);
		});
	});
});

describe('Unreachable servers', () => {
	test('connection refused', async () => {
		const server = new FakeCloudreve({ version: '3.8.3' });
		await server.start();
		const url = server.url;
		await server.stop();
		const error = await failureOf(runNode({ store: CredentialStore.forServer(url, DEMO_USER.email, DEMO_USER.password), parameters: createFolder('/x') }));
		expect(error.message).toMatch(/^Could not connect to 127\.0\.0\.1:\d+: connection refused \[item 0\]$/);
		expect(error.description).toBe('Is Cloudreve running, and are the host and port in the Server URL right?');
	});

	test('unknown host', async () => {
		const store = CredentialStore.forServer('http://cloudreve.invalid', DEMO_USER.email, DEMO_USER.password);
		const error = await failureOf(runNode({ store, parameters: createFolder('/x') }));
		expect(error.message).toBe('Unknown host cloudreve.invalid [item 0]');
		expect(error.description).toContain('Check the host name in the Server URL');
	});
});

describe('Cloudreve stopped behind a proxy', () => {
	test.each(['3.8.3', '4.0.0'])('on %s, the node says the server answered HTTP 502 Bad Gateway and may be down, naming the item', async (version) => {
		await withServer({ version }, async ({ server, store }) => {
			server.faults.push({ action: { kind: 'status', status: 502 } });
			const error = await failureOf(runNode({ store, parameters: createFolder('/Downloads') }));
			expect(error.message).toBe(`${server.url} (or the proxy in front of it) answered HTTP 502 Bad\u00a0Gateway: Cloudreve behind it may be down or restarting [item 0]`);
			expect(error.description).toContain('Check that Cloudreve is running');
			// Both API roots were asked, each three times (retries with backoff), and nothing else.
			expect(server.requestsTo('/site/ping')).toHaveLength(6);
			expect(server.stats.loginAttempts).toBe(0);
		});
	});
});
