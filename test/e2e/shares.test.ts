/**
 * Share links end to end in a real n8n 2.41.1, the packed tarball installed as n8n's installer
 * does: a file read from disk is uploaded and shared with a password and an expiry (3.8.3: with a
 * download limit too, as 3.x needs), the link is fetched from the fake server and works, the share
 * is listed, the storage use read; a second workflow deletes the share and the link is gone. The
 * example workflow "share every finished download and post the link" is imported, and its chain
 * run with the trigger's item handed in (`n8n execute` does not poll triggers).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { shareSettings } from '../fake-cloudreve/shares';
import { NODE_TYPE, exampleWorkflow, nodeOutput } from '../../scripts/n8n-runtime';
import { credentialFor, pipeline, useRealN8n } from './helpers';

jest.setTimeout(15 * 60_000);

const PASSWORD = 'E2ePass42';

const n8n = useRealN8n(2, ['3.8.3', '4.0.0']);
let files: string;

/** Cloudreve nodes of a workflow at typeVersion 1.1 (the folder picker). */
function atTypeVersion11<T extends { nodes: Array<Record<string, unknown>> }>(workflow: T): T {
	for (const node of workflow.nodes) if (node.type === NODE_TYPE) node.typeVersion = 1.1;
	return workflow;
}

/** Manual Trigger → Read File → Upload → Create share → Get Many shares → Get Storage. */
function shareWorkflow(id: string, credentialId: string, source: string) {
	const credentials = { cloudreveApi: { id: credentialId, name: `Cloudreve ${credentialId}` } };
	const cloudreve = (name: string, x: number, parameters: Record<string, unknown>) => ({ id: `${id}-${x}`, name, type: NODE_TYPE, typeVersion: 1.1, position: [x * 200, 0], credentials, parameters: { options: {}, ...parameters } });
	const nodes = [
		{ id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: `${id}-read`, name: 'Read File', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, position: [200, 0], parameters: { fileSelector: source, options: {} } },
		cloudreve('Upload', 2, { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: { __rl: true, mode: 'path', value: '/e2e/shared' }, fileName: 'report 2026.pdf' }),
		cloudreve('Share', 3, { resource: 'share', operation: 'create', path: '={{ $json.path }}', options: { password: PASSWORD, expiresIn: 3600, downloadLimit: 5 } }),
		cloudreve('Shares', 4, { resource: 'share', operation: 'getMany', returnAll: true }),
		cloudreve('Storage', 5, { resource: 'account', operation: 'getStorage' }),
	];
	const order = nodes.map((node) => node.name);
	const connections = Object.fromEntries(order.slice(0, -1).map((name, index) => [name, { main: [[{ node: order[index + 1], type: 'main', index: 0 }]] }]));
	return { id, name: `e2e ${id}`, nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

beforeAll(async () => {
	files = mkdtempSync(join(tmpdir(), 'n8n-cloudreve-shares-'));
	// n8n reads files only below this folder.
	n8n.home.env.N8N_RESTRICT_FILE_ACCESS_TO = files;
	await n8n.home.importCredentials([credentialFor('cred383', n8n.servers['3.8.3']), credentialFor('cred400', n8n.servers['4.0.0'])]);
});
afterAll(() => rmSync(files, { recursive: true, force: true }));

describe('share links inside n8n 2.41.1', () => {
	test.each([
		['3.8.3', 'cred383'],
		['4.0.0', 'cred400'],
	])('on Cloudreve %s: upload, share with password and expiry, the link works; delete it and the link is gone', async (version, credentialId) => {
		const server = n8n.servers[version];
		const content = Buffer.from('%PDF-1.4 shared by n8n\n'.repeat(100));
		const source = join(files, `report-${credentialId}.pdf`);
		writeFileSync(source, content);
		const createId = `share${credentialId}`;
		await n8n.home.importWorkflow(shareWorkflow(createId, credentialId, source));

		const created = await n8n.home.execute(createId);

		expect({ code: created.code, status: created.run?.status, error: created.run?.data.resultData.error?.message }).toEqual({ code: 0, status: 'success', error: undefined });
		expect(nodeOutput(created.run, 'Upload')[0].json).toMatchObject({ path: '/e2e/shared/report 2026.pdf', size: content.length });
		const [share] = nodeOutput(created.run, 'Share');
		expect(share.json).toEqual({
			id: expect.any(String),
			url: `${server.url}/s/${share.json.id}${version === '4.0.0' ? `/${PASSWORD}` : ''}`,
			path: '/e2e/shared/report 2026.pdf',
			password: PASSWORD,
			expiresAt: expect.any(String),
			downloadLimit: 5,
		});
		expect(Date.parse(String(share.json.expiresAt)) - Date.now()).toBeGreaterThan(3000_000);
		const url = String(share.json.url);
		expect((await fetch(url)).status).toBe(200);
		const listed = nodeOutput(created.run, 'Shares').find((item) => item.json.id === share.json.id);
		expect(listed?.json).toMatchObject({ name: 'report 2026.pdf', type: 'file', hasPassword: true, downloadsLeft: 5, expired: false });
		expect(JSON.stringify(listed)).not.toContain(PASSWORD);
		expect(nodeOutput(created.run, 'Storage')[0].json).toEqual({ used: server.usedBytes(), total: 1024 ** 4, free: 1024 ** 4 - server.usedBytes() });
		expect(server.usedBytes()).toBeGreaterThanOrEqual(content.length);

		const deleteId = `unshare${credentialId}`;
		await n8n.home.importWorkflow(atTypeVersion11(pipeline(deleteId, credentialId, [{ id: share.json.id }], [{ name: 'Delete', parameters: { resource: 'share', operation: 'delete', shareId: '={{ $json.id }}', options: {} } }])));

		const deleted = await n8n.home.execute(deleteId);

		expect(deleted.run?.status).toBe('success');
		expect(nodeOutput(deleted.run, 'Delete').map((item) => item.json)).toEqual([{ id: share.json.id, deleted: true }]);
		expect((await fetch(url)).status).toBe(404);
	});

	test('the example "share every finished download and post the link" imports; its chain runs on Cloudreve 3.8.3', async () => {
		const server = n8n.servers['3.8.3'];
		server.addFile('/Downloads/Show/Episode 1.mkv', 'one');
		server.addFile('/Downloads/Show/Episode 2.mkv', 'two');
		// The example as published: Cloudreve Trigger (Offline Download Finished) first.
		const example = exampleWorkflow('share-finished-download.json', 'cred383') as { nodes: Array<Record<string, unknown>>; connections: Record<string, unknown> };
		expect(example.nodes[0]).toMatchObject({ name: 'Download finished', type: 'n8n-nodes-cloudreve.cloudreveTrigger' });
		await n8n.home.importWorkflow(example);

		// `n8n execute` does not poll triggers: the same chain, with the trigger's item (a finished
		// download and its files) handed in by a Manual Trigger and a Code node of the same name.
		const finished = {
			taskId: '66aa3a1e63a32298',
			url: 'magnet:?xt=urn:btih:show',
			name: 'Show',
			destination: '/Downloads',
			status: 'completed',
			progress: 1,
			files: [
				{ path: '/Downloads/Show/Episode 1.mkv', size: 3 },
				{ path: '/Downloads/Show/Episode 2.mkv', size: 3 },
			],
		};
		const chain = {
			...example,
			id: 'shareChain383',
			nodes: [
				{ id: 'chain-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-220, 0], parameters: {} },
				{ id: 'chain-finished', name: 'Download finished', type: 'n8n-nodes-base.code', typeVersion: 2, position: [0, 0], parameters: { jsCode: `return [{ json: ${JSON.stringify(finished)} }];` } },
				...example.nodes.slice(1),
			],
			connections: { ...example.connections, Start: { main: [[{ node: 'Download finished', type: 'main', index: 0 }]] } },
		};
		await n8n.home.importWorkflow(chain);

		const result = await n8n.home.execute('shareChain383');

		expect(result.run?.status).toBe('success');
		const posts = nodeOutput(result.run, 'Post the link');
		expect(posts.map((item) => item.json.text)).toEqual([
			expect.stringMatching(/^New download: Episode 1\.mkv → http:\/\/127\.0\.0\.1:\d+\/s\/\S+ \(7 days, 10 downloads\)$/),
			expect.stringMatching(/^New download: Episode 2\.mkv → http:\/\/127\.0\.0\.1:\d+\/s\/\S+ \(7 days, 10 downloads\)$/),
		]);
		for (const post of posts) expect((await fetch(String(post.json.url))).status).toBe(200);

		// A site URL left at its default (http://localhost) shows in the post as a warning.
		shareSettings(server).siteUrl = 'http://localhost';
		const again = await n8n.home.execute('shareChain383');
		shareSettings(server).siteUrl = undefined;
		const warned = nodeOutput(again.run, 'Post the link');
		expect(warned).toHaveLength(2);
		warned.forEach((item) => expect(item.json.text).toMatch(/http:\/\/localhost\/s\/\S+ .*⚠ This link points at localhost/));
	});
});
