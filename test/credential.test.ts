/**
 * The "Cloudreve API" credential: n8n's Test button (RoutingNode + forced preAuthentication)
 * against the fake server, for each generation and each 3.x login-code era.
 */
import { DEMO_USER, FakeCloudreve } from './fake-cloudreve/server';
import { CredentialStore, runNode, testCredential } from './harness/n8n';
import { createFolder, withServer } from './harness/scenario';

// 3.0–3.1 answer a wrong password with 401, 3.2–3.5 with 40001, 3.6+ with 40020, 4.x with 40080.
const LOGIN_ERAS = [
	['3.1.1', 401],
	['3.4.3', 40001],
	['3.5.2', 40001],
	['3.8.3', 40020],
	['4.0.0', 40080],
] as const;

describe('Test button of the Cloudreve API credential', () => {
	test.each(LOGIN_ERAS)('logs in to Cloudreve %s and stores the session with the detected server', async (version) => {
		await withServer({ version }, async ({ server, store }) => {
			const result = await testCredential(store);

			expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect(server.stats.logins).toBe(1);
			const generation = version.startsWith('4') ? 'v4' : 'v3';
			expect(store.data).toMatchObject({ serverGeneration: generation, serverVersion: version, sessionFor: `${DEMO_USER.email} ${server.url}` });
			expect(store.data.session).toEqual(expect.any(String));
			// The session reached the server the way each generation expects it.
			const me = server.requestsTo('/user/me')[0];
			if (generation === 'v3') {
				expect(me.path).toBe('/api/v3/user/me');
				expect(me.headers.cookie).toBe(`cloudreve-session=${store.data.session}`);
				expect(me.headers.authorization).toBeUndefined();
			} else {
				expect(me.path).toBe('/api/v4/user/me');
				expect(me.headers.authorization).toBe(`Bearer ${store.data.session}`);
				expect(me.headers.cookie).toBeUndefined();
			}
		});
	});

	test.each(LOGIN_ERAS)('on Cloudreve %s says "Wrong email or password" for code %d', async (version, code) => {
		await withServer({ version }, async ({ store }) => {
			store.data.password = 'not-the-password-123';
			const result = await testCredential(store);

			expect(result.status).toBe('Error');
			expect(result.message).toContain('Wrong email or password');
			expect(result.message).toContain(`Cloudreve code ${code}`);
			expect(result.message).not.toContain('not-the-password-123');
		});
	});

	test('sends the 3.x login body with a capital P in Password and the 4.x body in lower case', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			await testCredential(store);
			expect(server.requestsTo('/user/session')[0].body).toEqual({ userName: DEMO_USER.email, Password: DEMO_USER.password, captchaCode: '' });
		});
		await withServer({ version: '4.0.0' }, async ({ server, store }) => {
			await testCredential(store);
			expect(server.requestsTo('/session/token')[0].body).toEqual({ email: DEMO_USER.email, password: DEMO_USER.password });
		});
	});

	test.each(['3.8.3', '4.0.0'])('on Cloudreve %s says the account has two-factor authentication (code 203)', async (version) => {
		const server = new FakeCloudreve({ version, users: [{ ...DEMO_USER, totpSecret: 'JBSWY3DPEHPK3PXP' }] });
		await server.start();
		try {
			const result = await testCredential(CredentialStore.forServer(server.url, DEMO_USER.email, DEMO_USER.password));
			expect(result.status).toBe('Error');
			expect(result.message).toContain('two-factor authentication');
			expect(result.message).toContain('Cloudreve code 203');
		} finally {
			await server.stop();
		}
	});

	test.each([
		['3.8.3', 40026],
		['3.4.3', 40026],
		['4.0.0', 40026],
	])('on Cloudreve %s says the site requires a login captcha', async (version, code) => {
		await withServer({ version, loginCaptcha: true }, async ({ server, store }) => {
			const result = await testCredential(store);
			expect(result.status).toBe('Error');
			expect(result.message).toContain('requires a captcha to log in');
			expect(result.message).toContain(`Cloudreve code ${code}`);
			if (version === '3.4.3') {
				// 40001 is ambiguous before 3.6: the site config told captcha from password.
				expect(server.requestsTo('/site/config')).toHaveLength(1);
			}
		});
	});

	test('tells a web page from a Cloudreve server', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			server.faults.push({ action: { kind: 'html' } });
			const result = await testCredential(store);
			expect(result.status).toBe('Error');
			expect(result.message).toContain(`${server.url} does not look like a Cloudreve server`);
			expect(server.stats.loginAttempts).toBe(0);
		});
	});

	test.each([
		[502, 'Bad Gateway'],
		[503, 'Service Unavailable'],
		[504, 'Gateway Timeout'],
	])('a proxy whose Cloudreve is down (HTML %i pages) is reported as down, not as a wrong URL', async (status, reason) => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			server.faults.push({ action: { kind: 'status', status } });
			const result = await testCredential(store);
			expect(result.status).toBe('Error');
			expect(result.message).toBe(`${server.url} (or the proxy in front of it) answered HTTP ${status} ${reason.replace(/ /g, '\u00a0')}: Cloudreve behind it may be down or restarting`);
			expect(result.message).not.toContain('does not look like');
			expect(server.stats.loginAttempts).toBe(0);
		});
	});

	test('tells a wrong path (plain-text 404) from a Cloudreve server', async () => {
		await withServer({ version: '4.0.0', basePath: '/cloudreve' }, async ({ server, store }) => {
			store.data.serverUrl = `http://127.0.0.1:${server.port}/wrong`;
			const result = await testCredential(store);
			expect(result).toEqual({ status: 'Error', message: expect.stringContaining('does not look like a Cloudreve server (tried /api/v4/site/ping and /api/v3/site/ping)') });
		});
	});

	test('works with a sub-path deployment and a trailing slash in the Server URL', async () => {
		await withServer({ version: '3.8.3', basePath: '/cloudreve' }, async ({ server, store }) => {
			store.data.serverUrl = `${server.url}/`;
			expect(await testCredential(store)).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect(server.requestsTo('/user/session')[0].path).toBe('/api/v3/user/session');
		});
	});

	test('says "connection refused" for a server that is not running', async () => {
		const server = new FakeCloudreve({ version: '3.8.3' });
		await server.start();
		const url = server.url;
		await server.stop();
		const result = await testCredential(CredentialStore.forServer(url, DEMO_USER.email, DEMO_USER.password));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Could not connect to 127\.0\.0\.1:\d+: connection refused$/);
	});

	test('with API Version forced to 3.x, a 4.x server is reported as not matching', async () => {
		await withServer({ version: '4.0.0' }, async ({ store }) => {
			store.data.apiVersion = 'v3';
			const result = await testCredential(store);
			expect(result.status).toBe('Error');
			expect(result.message).toContain('does not look like a Cloudreve server (tried /api/v3/site/ping)');
		});
	});

	test.each([
		['https://cloud.example.com/?x=1', 'must not contain a query'],
		['https://cloud.example.com/#top', 'must not contain a query (?…) or fragment (#…)'],
		['https://cloud example.com', 'contains a space'],
		['cloud.example.com', 'is not a valid URL'],
		['ftp://cloud.example.com', 'must start with http:// or https://'],
		['', 'has no Server URL'],
	])('rejects the Server URL %j before sending anything', async (serverUrl, message) => {
		const result = await testCredential(CredentialStore.forServer(serverUrl, DEMO_USER.email, DEMO_USER.password));
		expect(result.status).toBe('Error');
		expect(result.message).toContain(message);
	});

	test('a node that uses the credential after a successful test reuses the stored session', async () => {
		await withServer({ version: '4.0.0' }, async ({ server, store }) => {
			await testCredential(store);
			await runNode({ store, parameters: createFolder('/after-test') });
			expect(server.stats.logins).toBe(1);
			expect(server.stats.probes).toBe(1);
		});
	});
});
