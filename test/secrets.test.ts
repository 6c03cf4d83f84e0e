/**
 * No password, cookie or token in any output item, error message, error description, error cause
 * or log line. Runs successes and failures on both generations, then searches everything.
 */
import { DEMO_USER, FakeCloudreve } from './fake-cloudreve/server';
import { CredentialStore, logLines, runNode, testCredential } from './harness/n8n';
import { addDownload, createFolder, rssItems } from './harness/scenario';

const WRONG_PASSWORD = 'Wr0ng-Secret-Pa55';
const TOTP_SECRET = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA';
const WRONG_TOTP_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

/** Serializes an error with everything n8n could show: message, description, context, cause chain. */
function everything(value: unknown): string {
	const seen = new WeakSet();
	const plain = (v: unknown, depth: number): unknown => {
		if (depth > 8 || v === null || typeof v !== 'object') return v;
		if (seen.has(v)) return '[circular]';
		seen.add(v);
		const out: Record<string, unknown> = {};
		for (const key of Object.getOwnPropertyNames(v)) out[key] = plain((v as Record<string, unknown>)[key], depth + 1);
		return out;
	};
	return JSON.stringify(plain(value, 0));
}

describe('Secrets', () => {
	const produced: string[] = [];
	const secrets = new Set<string>([DEMO_USER.password, WRONG_PASSWORD, TOTP_SECRET, WRONG_TOTP_SECRET]);
	const servers: FakeCloudreve[] = [];

	async function scenario(version: string, run: (server: FakeCloudreve, store: CredentialStore) => Promise<void>) {
		const server = new FakeCloudreve({ version });
		servers.push(server);
		await server.start();
		try {
			await run(server, CredentialStore.forServer(server.url, DEMO_USER.email, DEMO_USER.password));
		} finally {
			await server.stop();
			server.issuedSecrets.forEach((secret) => secrets.add(secret));
		}
	}

	async function record(promise: Promise<unknown>) {
		try {
			produced.push(everything(await promise));
		} catch (error) {
			produced.push(everything(error));
		}
	}

	beforeAll(async () => {
		for (const version of ['3.4.3', '3.8.3', '4.0.0']) {
			await scenario(version, async (server, store) => {
				const add = server.generation === 'v4' ? '/workflow/download' : '/aria2/url';
				// success, then a session expiry in the middle of a batch
				await record(runNode({ store, parameters: createFolder('/s') }));
				let count = 0;
				server.onRequest = (request, fake) => {
					if (request.path.includes(add) && ++count === 2) fake.invalidateSessions();
				};
				await record(runNode({ store, parameters: addDownload('={{ $json.link }}', '/s'), items: rssItems(3) }));
				server.onRequest = undefined;
				// every kind of failure, with and without continue-on-fail
				server.failingUrls.set('http://bad.example/1', 40048);
				await record(runNode({ store, parameters: addDownload('http://bad.example/1\nhttp://ok.example/2', '/s'), continueOnFail: true }));
				await record(runNode({ store, parameters: addDownload('http://bad.example/1', '/s') }));
				server.faults = [{ path: add, times: 2, action: { kind: 'json', body: { code: 401 } } }];
				await record(runNode({ store, parameters: addDownload('http://ok.example/3', '/s') }));
				server.faults = [{ path: add, times: 1, action: { kind: 'reset', afterHandling: true } }];
				await record(runNode({ store, parameters: addDownload('http://ok.example/4', '/s') }));
				server.faults = [{ times: 1, path: add, action: { kind: 'status', status: 502 } }];
				await record(runNode({ store, parameters: addDownload('http://ok.example/5', '/s'), continueOnFail: true }));
				server.faults = [{ times: 1, path: add, action: { kind: 'html' } }];
				await record(runNode({ store, parameters: addDownload('http://ok.example/6', '/s') }));
				server.faults = [];
				await record(testCredential(store));
				// wrong password: node and Test button
				const wrong = CredentialStore.forServer(server.url, DEMO_USER.email, WRONG_PASSWORD);
				await record(runNode({ store: wrong, parameters: createFolder('/w') }));
				await record(runNode({ store: wrong, parameters: createFolder('/w'), continueOnFail: true }));
				await record(testCredential(wrong));
				secrets.add(String(store.data.session));
			});
		}
		// Accounts with two-factor authentication: the right and a wrong TOTP secret.
		for (const version of ['3.8.3', '4.0.0']) {
			const server = new FakeCloudreve({ version, users: [{ ...DEMO_USER, totpSecret: TOTP_SECRET }] });
			servers.push(server);
			await server.start();
			try {
				for (const totpSecret of [TOTP_SECRET, WRONG_TOTP_SECRET]) {
					const store = CredentialStore.forServer(server.url, DEMO_USER.email, DEMO_USER.password, { totpSecret });
					await record(testCredential(store));
					await record(runNode({ store, parameters: createFolder('/2fa'), continueOnFail: true }));
					await record(runNode({ store, parameters: addDownload('http://ok.example/7', '/2fa') }));
				}
			} finally {
				await server.stop();
				server.issuedSecrets.forEach((secret) => secrets.add(secret));
			}
		}
	});

	test('the scenarios produced outputs and errors, and the servers issued sessions', () => {
		expect(produced.length).toBeGreaterThanOrEqual(30);
		expect(produced.join('\n')).toContain('Wrong email or password');
		expect(produced.join('\n')).toContain('The links may or may not have been added');
		expect(produced.join('\n')).toContain('Cloudreve rejected the 2FA code');
		expect(servers.every((server) => server.issuedSecrets.length >= 2)).toBe(true);
	});

	test('the search finds a secret where there is one (the credential store itself)', () => {
		const storeDump = everything(CredentialStore.forServer('http://x', DEMO_USER.email, DEMO_USER.password).data);
		expect([...secrets].filter((secret) => storeDump.includes(secret))).toEqual([DEMO_USER.password]);
	});

	test('no output item, error or credential-test message contains a password, cookie or token', () => {
		const text = produced.join('\n');
		expect([...secrets].filter((secret) => secret.length >= 8 && text.includes(secret))).toEqual([]);
		expect(text).not.toMatch(/cloudreve-session=/);
		expect(text).not.toMatch(/Bearer\s+\S/);
	});

	test('no log line contains a password, cookie or token', () => {
		const text = logLines.join('\n');
		expect([...secrets].filter((secret) => secret.length >= 8 && text.includes(secret))).toEqual([]);
		expect(text).not.toMatch(/cloudreve-session=|Bearer\s+\S/);
	});
});
