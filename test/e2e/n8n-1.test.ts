/**
 * Users still on n8n 1.x: the tarball installed into the newest 1.x (1.123.81, on the machine's
 * Node 20) and the example workflow run there, including the stored session and a re-login.
 */
import type { FakeCloudreve } from '../fake-cloudreve/server';
import type { N8nHome } from '../../scripts/n8n-runtime';
import { exampleWorkflow, nodeOutput } from '../../scripts/n8n-runtime';
import { credentialFor, useRealN8n } from './helpers';

jest.setTimeout(15 * 60_000);

const n8n = useRealN8n(1, ['3.8.3', '4.0.0']);
let home: N8nHome;
let servers: Record<string, FakeCloudreve>;

beforeAll(async () => {
	({ home, servers } = n8n);
	await home.importCredentials([credentialFor('v1cred383', servers['3.8.3']), credentialFor('v1cred400', servers['4.0.0'])]);
});

describe('the Cloudreve node inside n8n 1.123.81', () => {
	test.each([
		['3.8.3', 'v1cred383', 'v1demo383'],
		['4.0.0', 'v1cred400', 'v1demo400'],
	])('runs the example workflow on Cloudreve %s, reuses the stored session, and logs in again once after expiry', async (version, credentialId, workflowId) => {
		const server = servers[version];
		await home.importWorkflow({ ...exampleWorkflow('demo-rss-items.json', credentialId), id: workflowId });

		const first = await home.execute(workflowId);
		expect(first.code).toBe(0);
		const downloads = nodeOutput(first.run, 'Add Offline Download');
		expect(downloads.map((item) => (item.json.tasks as Array<{ status: string }>)[0].status)).toEqual(['queued', 'queued', 'queued']);
		expect(downloads.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(server.tasks).toHaveLength(3);
		expect(server.stats.logins).toBe(1);

		const second = await home.execute(workflowId);
		expect(second.code).toBe(0);
		expect(server.stats.logins).toBe(1);

		server.invalidateSessions();
		const third = await home.execute(workflowId);
		expect(third.code).toBe(0);
		expect(server.stats.logins).toBe(2);
		expect(server.tasks).toHaveLength(9);
	});
});
