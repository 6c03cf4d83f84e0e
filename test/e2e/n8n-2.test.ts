/**
 * End to end in a real n8n 2.41.1: the packed tarball installed as n8n's community-package
 * installer does, credentials and workflows imported with n8n's CLI, executed with `n8n execute`,
 * results read from n8n's JSON output and from the fake server's state.
 */
import type { FakeCloudreve } from '../fake-cloudreve/server';
import type { N8nHome } from '../../scripts/n8n-runtime';
import { exampleWorkflow, nodeOutput } from '../../scripts/n8n-runtime';
import { credentialFor, pipeline, rssLikeItems, useRealN8n } from './helpers';

jest.setTimeout(15 * 60_000);

const WRONG_PASSWORD = 'e2e-Wrong-Passw0rd';

const n8n = useRealN8n(2, ['3.8.3', '3.4.3', '4.0.0']);
let home: N8nHome;
let servers: Record<string, FakeCloudreve>;

beforeAll(async () => {
	({ home, servers } = n8n);
	await home.importCredentials([
		credentialFor('cred383', servers['3.8.3']),
		credentialFor('cred343', servers['3.4.3']),
		credentialFor('cred400', servers['4.0.0']),
		credentialFor('credWrong', servers['3.8.3'], WRONG_PASSWORD),
	]);
});

describe('the Cloudreve node inside n8n 2.41.1', () => {
	test.each([
		['3.8.3', 'cred383', 'demo383'],
		['3.4.3', 'cred343', 'demo343'],
		['4.0.0', 'cred400', 'demo400'],
	])('runs the example workflow on Cloudreve %s: 3 RSS-style items, Create Directory, Add Offline Download', async (version, credentialId, workflowId) => {
		const server = servers[version];
		await home.importWorkflow({ ...exampleWorkflow('demo-rss-items.json', credentialId), id: workflowId });

		const result = await home.execute(workflowId);

		expect(result.code).toBe(0);
		expect(result.run?.status).toBe('success');
		const folders = nodeOutput(result.run, 'Create Directory');
		expect(folders.map((item) => item.json.path)).toEqual(['/RSS/Demo Anime', '/RSS/Demo Anime', '/RSS/Demo Anime']);
		const downloads = nodeOutput(result.run, 'Add Offline Download');
		expect(downloads).toHaveLength(3);
		downloads.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({
				destination: '/RSS/Demo Anime',
				tasks: [expect.objectContaining({ url: `https://downloads.example.com/demo-anime/episode-${index + 1}.torrent`, status: 'queued' })],
			});
			if (version === '4.0.0') expect((item.json.tasks as Array<{ taskId?: string }>)[0].taskId).toEqual(expect.any(String));
		});
		expect(server.tasks.map((task) => task.url)).toEqual([1, 2, 3].map((n) => `https://downloads.example.com/demo-anime/episode-${n}.torrent`));
		expect(server.folders()).toContain('/RSS/Demo Anime');
		expect(server.stats.logins).toBe(1);
		expect(server.stats.probes).toBe(1);
	});

	test('the session stored by the first execution is reused by the second (0 logins)', async () => {
		const server = servers['3.8.3'];
		const before = { ...server.stats };
		await home.importWorkflow(pipeline('reuse383', 'cred383', rssLikeItems(3, 'reuse.example'), [{ name: 'Add', parameters: { resource: 'offlineDownload', operation: 'add', urls: '={{ $json.link }}', destination: '/Reuse', options: {} } }]));

		const result = await home.execute('reuse383');

		expect(result.run?.status).toBe('success');
		expect(nodeOutput(result.run, 'Add')).toHaveLength(3);
		expect(server.stats.logins - before.logins).toBe(0);
		expect(server.stats.probes - before.probes).toBe(0);
		expect(await home.exportCredential('cred383')).toMatchObject({ serverGeneration: 'v3', serverVersion: '3.8.3', session: expect.any(String) });
	});

	test.each([
		['3.8.3', 'cred383'],
		['4.0.0', 'cred400'],
	])('on Cloudreve %s, a session invalidated between executions causes exactly 1 re-login, stored in n8n', async (version, credentialId) => {
		const server = servers[version];
		const workflowId = `relogin${version.replace(/\./g, '')}`;
		await home.importWorkflow(pipeline(workflowId, credentialId, rssLikeItems(3, `relogin-${version}.example`), [{ name: 'Add', parameters: { resource: 'offlineDownload', operation: 'add', urls: '={{ $json.link }}', destination: '/Relogin', options: {} } }]));
		const oldSession = (await home.exportCredential(credentialId)).session;
		server.invalidateSessions();
		const before = server.stats.logins;

		const result = await home.execute(workflowId);

		expect(result.run?.status).toBe('success');
		expect(nodeOutput(result.run, 'Add').map((item) => item.json.error)).toEqual([undefined, undefined, undefined]);
		expect(server.stats.logins - before).toBe(1);
		const stored = (await home.exportCredential(credentialId)).session;
		expect(stored).not.toBe(oldSession);
		// The next execution uses what n8n stored: no login.
		const again = await home.execute(workflowId);
		expect(again.run?.status).toBe('success');
		expect(server.stats.logins - before).toBe(1);
	});

	test('a wrong password gives a clear message and never shows the password', async () => {
		await home.importWorkflow(pipeline('wrongpw', 'credWrong', rssLikeItems(1), [{ name: 'Create', parameters: { resource: 'folder', operation: 'create', path: '/x', options: {} } }]));

		const result = await home.execute('wrongpw');

		expect(result.code).not.toBe(0);
		const everything = `${result.stdout}\n${result.stderr}`;
		expect(everything).toContain('Wrong email or password (Cloudreve code 40020');
		expect(everything).not.toContain(WRONG_PASSWORD);
		for (const secret of servers['3.8.3'].issuedSecrets) expect(everything).not.toContain(secret);
	});

	test('with continue-on-fail, failed items come out paired with their inputs', async () => {
		const items = [
			{ title: 'good', link: 'http://ok.example/1.iso' },
			{ title: 'bad', link: 'javascript:alert(1)' },
			{ title: 'good too', link: 'http://ok.example/2.iso' },
		];
		await home.importWorkflow(pipeline('cof383', 'cred383', items, [{ name: 'Add', continueOnFail: true, parameters: { resource: 'offlineDownload', operation: 'add', urls: '={{ $json.link }}', destination: '/Mixed', options: {} } }]));

		const result = await home.execute('cof383');

		expect(result.run?.status).toBe('success');
		const output = nodeOutput(result.run, 'Add');
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.tasks).toEqual([expect.objectContaining({ url: 'http://ok.example/1.iso', status: 'queued' })]);
		expect(output[1].json.error).toBe('Invalid URLs: "javascript:alert(1)" is not an http, https, ftp or magnet link [item 1]');
		expect(output[2].json.tasks).toEqual([expect.objectContaining({ url: 'http://ok.example/2.iso', status: 'queued' })]);
	});
});
