/**
 * Files end to end in real n8n (2.41.1 and 1.123.81), the packed tarball installed as n8n's
 * installer does: a file made by a previous node is uploaded, the folder listed, the file
 * downloaded back and written to disk (compared byte for byte), then moved, renamed and deleted.
 */
import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { N8nLine } from '../../scripts/n8n-runtime';
import { NODE_TYPE, exampleWorkflow, nodeOutput } from '../../scripts/n8n-runtime';
import { credentialFor, useRealN8n } from './helpers';

jest.setTimeout(20 * 60_000);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Manual Trigger → Read file from disk → Upload → Get Many → Download → Write file to disk → Move → Rename → Delete. */
function roundTrip(id: string, credentialId: string, source: string, target: string, typeVersion: number) {
	const credentials = { cloudreveApi: { id: credentialId, name: `Cloudreve ${credentialId}` } };
	const folder = (path: string) => (typeVersion >= 1.1 ? { __rl: true, mode: 'path', value: path } : path);
	const cloudreve = (name: string, x: number, parameters: Record<string, unknown>) => ({ id: `${id}-${x}`, name, type: NODE_TYPE, typeVersion, position: [x * 200, 0], credentials, parameters: { options: {}, ...parameters } });
	const nodes = [
		{ id: `${id}-start`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: `${id}-read`, name: 'Read File', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, position: [200, 0], parameters: { fileSelector: source, options: {} } },
		cloudreve('Upload', 2, { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: folder('/e2e/in'), fileName: 'report 2026.bin' }),
		cloudreve('List', 3, { resource: 'folder', operation: 'getMany', folder: folder('/e2e/in'), returnAll: true }),
		cloudreve('Download', 4, { resource: 'file', operation: 'download', path: "={{ $('Upload').item.json.path }}", binaryPropertyName: 'data' }),
		{ id: `${id}-write`, name: 'Write File', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, position: [1000, 0], parameters: { operation: 'write', fileName: target, dataPropertyName: 'data', options: {} } },
		cloudreve('Move', 6, { resource: 'file', operation: 'move', path: "={{ $('Upload').item.json.path }}", destination: folder('/e2e/archive') }),
		cloudreve('Rename', 7, { resource: 'file', operation: 'rename', path: '={{ $json.path }}', newName: 'final.bin' }),
		cloudreve('Delete', 8, { resource: 'file', operation: 'delete', path: '={{ $json.path }}' }),
	];
	const order = nodes.map((node) => node.name);
	const connections = Object.fromEntries(order.slice(0, -1).map((name, index) => [name, { main: [[{ node: order[index + 1], type: 'main', index: 0 }]] }]));
	return { id, name: `e2e ${id}`, nodes, connections, settings: { executionOrder: 'v1' }, active: false };
}

describe.each([2, 1] as N8nLine[])('File operations in real n8n line %s', (line) => {
	const version = line === 2 ? '4.0.0' : '3.8.3';
	const n8n = useRealN8n(line, [version, '3.4.3']);
	let files: string;

	beforeAll(async () => {
		files = mkdtempSync(join(tmpdir(), 'n8n-cloudreve-files-'));
		// n8n reads and writes files only below this folder.
		n8n.home.env.N8N_RESTRICT_FILE_ACCESS_TO = files;
		await n8n.home.importCredentials([credentialFor('credMain', n8n.servers[version]), credentialFor('credOld', n8n.servers['3.4.3'])]);
		// Small chunks, so that a small file (n8n 1.x prints binary data into its output) still takes three.
		for (const server of Object.values(n8n.servers)) server.options.chunkSize = 100 * 1024;
	});
	afterAll(() => rmSync(files, { recursive: true, force: true }));

	test.each([
		[version, 'credMain', 1.1],
		['3.4.3', 'credOld', 1],
	])('on Cloudreve %s (typeVersion %s): upload, list, download byte-exact, move, rename, delete', async (serverVersion, credentialId, typeVersion) => {
		const server = n8n.servers[serverVersion];
		// On n8n 2.x the download crosses several of the 512 KiB pieces it reaches n8n's store in, and
		// every socket piece is freed once gathered (Node 24); n8n 1.x prints binary data into its
		// output, so its file stays small.
		const content = Buffer.alloc(line === 2 ? 1536 * 1024 + 123 : 250 * 1024 + 123);
		for (let i = 0; i < content.length; i++) content[i] = (i * 7 + 3) % 256;
		const source = join(files, `source-${credentialId}.bin`);
		const target = join(files, `downloaded-${credentialId}.bin`);
		writeFileSync(source, content);
		const id = `files${credentialId}${String(typeVersion).replace('.', '')}`;
		await n8n.home.importWorkflow(roundTrip(id, credentialId, source, target, typeVersion));
		// Move's destination must exist (Upload creates its folder itself).
		server.addFolder('/e2e/archive');

		const result = await n8n.home.execute(id);
		if (result.run === undefined) throw new Error(`n8n printed no run (exit ${result.code}): ${result.stdout.slice(0, 800)} … ${result.stdout.slice(-800)} ${result.stderr.slice(-800)}`);

		// n8n 1.x prints no status in its raw output: the exit code and the absence of an error tell.
		expect({ code: result.code, error: result.run?.data.resultData.error?.message }).toEqual({ code: 0, error: undefined });
		if (line === 2) expect(result.run?.status).toBe('success');
		expect(nodeOutput(result.run, 'Upload')[0].json).toMatchObject({ path: '/e2e/in/report 2026.bin', size: content.length });
		expect(nodeOutput(result.run, 'List').map((item) => item.json.path)).toEqual(['/e2e/in/report 2026.bin']);
		expect(nodeOutput(result.run, 'Download')[0].json).toEqual({ path: '/e2e/in/report 2026.bin', name: 'report 2026.bin', size: content.length });
		expect(sha256(readFileSync(target))).toBe(sha256(content));
		expect(nodeOutput(result.run, 'Move')[0].json).toMatchObject({ path: '/e2e/archive/report 2026.bin' });
		expect(nodeOutput(result.run, 'Rename')[0].json).toMatchObject({ path: '/e2e/archive/final.bin' });
		expect(nodeOutput(result.run, 'Delete')[0].json).toEqual({ path: '/e2e/archive/final.bin', deleted: true });
		expect(server.listPaths().filter((path) => path.startsWith('/e2e/') && !path.endsWith('/in') && !path.endsWith('/archive'))).toEqual([]);
		const chunks = server.requests.filter((request) => /\/file\/upload\/[^/]+\/\d+$/.test(request.path)).map((request) => request.bodyLength);
		const fullChunks = Math.floor(content.length / 102400);
		expect(chunks).toEqual(serverVersion === '3.4.3' ? [] : [...Array<number>(fullChunks).fill(102400), content.length - fullChunks * 102400]);
		expect(server.stats.logins).toBe(1);
	});

	test('the example workflow "upload a daily report" runs: CSV made, uploaded, listed, fetched back, linked', async () => {
		const server = n8n.servers[version];
		await n8n.home.importWorkflow(exampleWorkflow('report-to-cloudreve.json', 'credMain'));
		const result = await n8n.home.execute('cloudreveFiles001');
		expect({ code: result.code, error: result.run?.data.resultData.error?.message }).toEqual({ code: 0, error: undefined });
		const uploaded = nodeOutput(result.run, 'Upload report')[0].json;
		expect(uploaded.path).toMatch(/^\/Reports\/downloads-\d{4}-\d{2}-\d{2}\.csv$/);
		expect(server.fileContent(String(uploaded.path))?.toString()).toContain('Demo Anime 01');
		expect(nodeOutput(result.run, 'Download report')[0].json).toMatchObject({ path: uploaded.path, size: uploaded.size });
		expect(nodeOutput(result.run, 'Direct link')[0].json).toEqual({ path: uploaded.path, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
	});
});
