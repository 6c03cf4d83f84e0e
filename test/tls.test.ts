/** Self-signed HTTPS: refused with a message naming the switch, accepted with "Ignore SSL Issues". */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { DEMO_USER, FakeCloudreve } from './fake-cloudreve/server';
import { CredentialStore, runNode, testCredential } from './harness/n8n';
import { addDownload, failureOf } from './harness/scenario';

let tls: { key: string; cert: string };

beforeAll(() => {
	// A certificate made here, for 127.0.0.1, signed by nobody.
	const folder = mkdtempSync(join(tmpdir(), 'cloudreve-tls-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(folder, 'key.pem'), '-out', join(folder, 'cert.pem')], { stdio: 'ignore' });
	tls = { key: readFileSync(join(folder, 'key.pem'), 'utf8'), cert: readFileSync(join(folder, 'cert.pem'), 'utf8') };
	rmSync(folder, { recursive: true, force: true });
});

describe.each(['3.8.3', '4.0.0'])('A Cloudreve %s server with a self-signed certificate', (version) => {
	let server: FakeCloudreve;
	beforeEach(async () => {
		server = new FakeCloudreve({ version, tls });
		await server.start();
	});
	afterEach(async () => await server.stop());

	test('is refused by default, with a message that names "Ignore SSL Issues (Insecure)"', async () => {
		expect(server.url).toMatch(/^https:/);
		const store = CredentialStore.forServer(server.url, DEMO_USER.email, DEMO_USER.password);
		const result = await testCredential(store);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('is not trusted');
		expect(result.message).toContain('"Ignore SSL Issues (Insecure)"');
		// An untrusted certificate stays untrusted: one connection, no retries, no second generation.
		expect(server.stats.connections).toBe(1);
		const error = await failureOf(runNode({ store, parameters: addDownload('http://a.example/1', '/') }));
		expect(error.message).toContain('"Ignore SSL Issues (Insecure)"');
		expect(server.stats.loginAttempts).toBe(0);
	});

	test('with "Ignore SSL Issues" on, the Test button, the login and the node requests all work', async () => {
		const store = CredentialStore.forServer(server.url, DEMO_USER.email, DEMO_USER.password, { allowUnauthorizedCerts: true });
		expect(await testCredential(store)).toEqual({ status: 'OK', message: 'Connection successful!' });
		store.data.session = '';
		const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Secure'), items: [{ json: { link: 'http://a.example/1' } }, { json: { link: 'http://a.example/2' } }] });
		expect(output.map((item) => (item.json.tasks as Array<{ status: string }>)[0].status)).toEqual(['queued', 'queued']);
		expect(server.stats.logins).toBe(2);
		expect(server.tasks).toHaveLength(2);
	});
});
