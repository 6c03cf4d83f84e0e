/**
 * File and Folder operations through the node's real execute(), per server era: uploads in exact
 * chunks, downloads byte for byte, changes visible in later listings, searches with real paths.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { FakeCloudreve } from './fake-cloudreve/server';
import { binaryBytes, inlineBinary, runNode, storedBinary } from './harness/n8n';
import { failureOf, withServer } from './harness/scenario';

/** 3.4 uploads in one request, 3.5 has sessions and old codes, 3.8.3 new codes, 4.x URIs. */
const ERAS = ['3.4.3', '3.5.2', '3.8.3', '4.0.0'] as const;
const V = 1.1;

const at = (path: string) => ({ __rl: true, mode: 'path', value: path });
const file = (operation: string, parameters: Record<string, unknown> = {}) => ({ resource: 'file', operation, options: {}, ...parameters });
const folder = (operation: string, parameters: Record<string, unknown> = {}) => ({ resource: 'folder', operation, options: {}, ...parameters });

function bytes(size: number, seed = 7): Buffer {
	const buffer = Buffer.alloc(size);
	for (let i = 0; i < size; i++) buffer[i] = (i * 31 + seed) % 251;
	return buffer;
}

async function itemsWithFiles(files: Array<{ name: string; content: Buffer; json?: Record<string, unknown> }>): Promise<INodeExecutionData[]> {
	return await Promise.all(files.map(async ({ name, content, json = {} }) => ({ json: { name, ...json }, binary: { data: await storedBinary(content, name, 'application/pdf') } })));
}

const uploadRequests = (server: FakeCloudreve) => server.requests.filter((r) => /\/file\/upload\/[^/]+\/\d+$/.test(r.path.split('?')[0]) || (r.method === 'POST' && r.path === '/api/v3/file/upload'));

describe.each(ERAS)('Files on Cloudreve %s', (version) => {
	const isV4 = version.startsWith('4');
	const hasSessions = version !== '3.4.3';

	test('uploads three files from a 3-item input, unicode names included, byte-exact, paired', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const contents = [bytes(10), bytes(2000, 3), bytes(0)];
			const items = await itemsWithFiles([
				{ name: '报告 2026.pdf', content: contents[0] },
				{ name: 'a b (1).pdf', content: contents[1] },
				{ name: 'empty.pdf', content: contents[2] },
			]);
			const output = await runNode({ store, typeVersion: V, items, parameters: file('upload', { binaryPropertyName: 'data', folder: at('/上传/2026'), fileName: '' }) });

			expect(output.map((item) => item.json.path)).toEqual(['/上传/2026/报告 2026.pdf', '/上传/2026/a b (1).pdf', '/上传/2026/empty.pdf']);
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(output[1].json).toMatchObject({ name: 'a b (1).pdf', size: 2000, type: 'file', id: expect.any(String) });
			if (isV4) expect(output[0].json.uri).toBe(`cloudreve://my/${encodeURIComponent('上传')}/2026/${encodeURIComponent('报告 2026.pdf')}`);
			else expect(output[0].json.uri).toBeUndefined();
			contents.forEach((content, index) => expect(server.fileContent(String(output[index].json.path))).toEqual(content));
		});
	});

	test('a 3-chunk upload reaches the server in exact chunks, byte for byte', async () => {
		await withServer({ version, chunkSize: 1024 }, async ({ server, store }) => {
			const content = bytes(2500);
			const output = await runNode({ store, typeVersion: V, items: await itemsWithFiles([{ name: 'big.bin', content }]), parameters: file('upload', { folder: at('/big'), fileName: '' }) });

			expect(output[0].json).toMatchObject({ path: '/big/big.bin', size: 2500 });
			expect(server.fileContent('/big/big.bin')).toEqual(content);
			const sent = uploadRequests(server).map((request) => request.bodyLength);
			expect(sent).toEqual(hasSessions ? [1024, 1024, 452] : [2500]);
			expect(server.uploadSessions.size).toBe(0);
		});
	});

	test('a file carried in the item itself (n8n 1.x in-memory mode) uploads too', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const content = Buffer.from('hello from n8n 1.x');
			const output = await runNode({ store, typeVersion: V, items: [{ json: {}, binary: { data: inlineBinary(content, 'inline.txt', 'text/plain') } }], parameters: file('upload', { folder: at('/'), fileName: '' }) });
			expect(output[0].json).toMatchObject({ path: '/inline.txt', size: content.length });
			expect(server.fileContent('/inline.txt')).toEqual(content);
		});
	});

	test('If the File Exists: Fail (default) fails that item only, Skip leaves it, Replace overwrites it', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.addFile('/docs/a.txt', 'old a');
			server.addFile('/docs/b.txt', 'old b');
			server.addFile('/docs/c.txt', 'old c');
			const upload = async (name: string, conflict?: string) =>
				await runNode({
					store,
					typeVersion: V,
					continueOnFail: true,
					items: [{ json: {}, binary: { data: await storedBinary(Buffer.from(`new ${name}`), name, 'text/plain') } }],
					parameters: file('upload', { folder: at('/docs'), fileName: '', options: conflict ? { conflict } : {} }),
				});

			const failed = await upload('a.txt');
			expect(failed[0].json.error).toMatch(isV4 ? /^A file with this name already exists in the folder \(Cloudreve code 40004.*\) \[item 0\]$/ : /^\/docs\/a\.txt already exists \[item 0\]$/);
			expect(failed[0].json.description).toContain('If the File Exists');
			expect(server.fileContent('/docs/a.txt')?.toString()).toBe('old a');

			const skipped = await upload('b.txt', 'skip');
			expect(skipped[0].json).toMatchObject({ path: '/docs/b.txt', skipped: true });
			expect(server.fileContent('/docs/b.txt')?.toString()).toBe('old b');

			const replaced = await upload('c.txt', 'replace');
			expect(replaced[0].json).toMatchObject({ path: '/docs/c.txt', size: 'new c.txt'.length });
			expect(server.fileContent('/docs/c.txt')?.toString()).toBe('new c.txt');
			expect(server.listPaths().filter((path) => path.startsWith('/docs/'))).toEqual(['/docs/a.txt', '/docs/b.txt', '/docs/c.txt']);
		});
	});

	test('downloads three files byte-exact into the output binary field, with name and MIME type', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const contents = [bytes(100), bytes(5000, 9), Buffer.from('%PDF-1.4 fake')];
			server.addFile('/dl/one.bin', contents[0]);
			server.addFile('/dl/两.bin', contents[1]);
			server.addFile('/dl/report.pdf', contents[2]);
			const items = ['/dl/one.bin', '/dl/两.bin', '/dl/report.pdf'].map((path) => ({ json: { path } }));
			const output = await runNode({ store, typeVersion: V, items, parameters: file('download', { path: '={{ $json.path }}', binaryPropertyName: 'file' }) });

			expect(output.map((item) => item.json)).toEqual([
				{ path: '/dl/one.bin', name: 'one.bin', size: 100 },
				{ path: '/dl/两.bin', name: '两.bin', size: 5000 },
				{ path: '/dl/report.pdf', name: 'report.pdf', size: contents[2].length },
			]);
			for (const [index, item] of output.entries()) {
				expect(item.pairedItem).toEqual({ item: index });
				expect(await binaryBytes(item.binary!.file)).toEqual(contents[index]);
			}
			expect(output[2].binary!.file).toMatchObject({ fileName: 'report.pdf', mimeType: 'application/pdf' });
			expect(output[0].binary!.file.id).toEqual(expect.any(String));
		});
	});

	test('copy, move, rename and delete show in a later listing', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.addFile('/in/a.txt', 'A');
			server.addFile('/in/b.txt', 'B');
			server.addFile('/in/c.txt', 'C');
			server.addFolder('/out');
			const items = [{ json: { path: '/in/a.txt' } }, { json: { path: '/in/b.txt' } }, { json: { path: '/in/c.txt' } }];

			const copied = await runNode({ store, typeVersion: V, items: [items[0]], parameters: file('copy', { path: '={{ $json.path }}', destination: at('/out') }) });
			expect(copied[0].json).toMatchObject({ path: '/out/a.txt', type: 'file', size: 1 });
			const moved = await runNode({ store, typeVersion: V, items: [items[1]], parameters: file('move', { path: '={{ $json.path }}', destination: at('/out') }) });
			expect(moved[0].json).toMatchObject({ path: '/out/b.txt', name: 'b.txt' });
			const renamed = await runNode({ store, typeVersion: V, items: [items[2]], parameters: file('rename', { path: '={{ $json.path }}', newName: 'see.txt' }) });
			expect(renamed[0].json).toMatchObject({ path: '/in/see.txt', name: 'see.txt' });
			const deleted = await runNode({ store, typeVersion: V, items: [{ json: { path: '/in/a.txt' } }], parameters: file('delete', { path: '={{ $json.path }}' }) });
			expect(deleted[0].json).toEqual({ path: '/in/a.txt', deleted: true });

			const listing = async (path: string) =>
				(await runNode({ store, typeVersion: V, parameters: folder('getMany', { folder: at(path), returnAll: true }) })).map((item) => item.json.path).sort();
			expect(await listing('/in')).toEqual(['/in/see.txt']);
			expect(await listing('/out')).toEqual(['/out/a.txt', '/out/b.txt']);
			expect(server.fileContent('/out/a.txt')?.toString()).toBe('A');
			if (isV4) expect(server.trash()).toEqual(['/in/a.txt']);
		});
	});

	test('copy, move, rename, delete, get direct link and search each on a 3-item input, paired', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const names = ['一.txt', 'two.txt', 'three.txt'];
			names.forEach((name, index) => server.addFile(`/batch/${name}`, `content ${index}`));
			server.addFolder('/copies');
			server.addFolder('/moved');
			const items = names.map((name) => ({ json: { path: `/batch/${name}`, name } }));
			const run = async (parameters: Record<string, unknown>, input = items) => await runNode({ store, typeVersion: V, items: input, parameters });

			const copied = await run(file('copy', { path: '={{ $json.path }}', destination: at('/copies') }));
			expect(copied.map((item) => [item.json.path, item.pairedItem])).toEqual(names.map((name, index) => [`/copies/${name}`, { item: index }]));
			const links = await run(file('getDirectLink', { path: '={{ $json.path }}' }));
			expect(links.map((item) => item.json.path)).toEqual(names.map((name) => `/batch/${name}`));
			const found = await run(file('search', { query: '={{ $json.name }}', returnAll: true, options: { folder: '/copies' } }));
			expect(found.map((item) => [item.json.path, item.pairedItem])).toEqual(names.map((name, index) => [`/copies/${name}`, { item: index }]));
			const moved = await run(file('move', { path: '={{ $json.path }}', destination: at('/moved') }));
			expect(moved.map((item) => item.json.path)).toEqual(names.map((name) => `/moved/${name}`));
			const movedItems = names.map((name) => ({ json: { path: `/moved/${name}`, name } }));
			const renamed = await run(file('rename', { path: '={{ $json.path }}', newName: '=renamed-{{ $json.name }}' }), movedItems);
			expect(renamed.map((item) => item.json.path)).toEqual(names.map((name) => `/moved/renamed-${name}`));
			const deleted = await run(file('delete', { path: '=/moved/renamed-{{ $json.name }}', options: { permanent: true } }));
			expect(deleted.map((item) => [item.json, item.pairedItem])).toEqual(names.map((name, index) => [{ path: `/moved/renamed-${name}`, deleted: true }, { item: index }]));
			expect(server.listPaths().filter((path) => path.startsWith('/moved/'))).toEqual([]);
			expect(server.listPaths().filter((path) => path.startsWith('/copies/')).sort()).toEqual(names.map((name) => `/copies/${name}`).sort());
		});
	});

	test('folders: get many (files and folders), move, rename, delete', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.addFile('/lib/Show/e1.mkv', 'x');
			server.addFolder('/lib/Movies');
			server.addFolder('/archive');
			const all = await runNode({ store, typeVersion: V, parameters: folder('getMany', { folder: at('/lib'), returnAll: true }) });
			expect(all.map((item) => [item.json.path, item.json.type]).sort()).toEqual([
				['/lib/Movies', 'folder'],
				['/lib/Show', 'folder'],
			]);
			const renamed = await runNode({ store, typeVersion: V, parameters: folder('rename', { path: '/lib/Show', newName: 'Shows' }) });
			expect(renamed[0].json).toMatchObject({ path: '/lib/Shows', type: 'folder' });
			const moved = await runNode({ store, typeVersion: V, parameters: folder('move', { path: '/lib/Shows', destination: at('/archive') }) });
			expect(moved[0].json).toMatchObject({ path: '/archive/Shows', type: 'folder' });
			expect(server.fileContent('/archive/Shows/e1.mkv')?.toString()).toBe('x');
			const deleted = await runNode({ store, typeVersion: V, parameters: folder('delete', { path: '/archive/Shows', options: { permanent: true } }) });
			expect(deleted[0].json).toEqual({ path: '/archive/Shows', deleted: true });
			expect(server.listPaths().filter((path) => path.startsWith('/archive/'))).toEqual([]);
			if (isV4) expect(server.trash()).toEqual([]);
		});
	});

	test('Get Many returns more entries than one page, and Limit stops early', async () => {
		await withServer({ version, maxPageSize: 10 }, async ({ server, store }) => {
			for (let n = 0; n < 25; n++) server.addFile(`/many/f${String(n).padStart(2, '0')}.txt`, `${n}`);
			const all = await runNode({ store, typeVersion: V, parameters: folder('getMany', { folder: at('/many'), returnAll: true, options: { type: 'file' } }) });
			expect(all.map((item) => item.json.name).sort()).toEqual(Array.from({ length: 25 }, (_, n) => `f${String(n).padStart(2, '0')}.txt`));
			const some = await runNode({ store, typeVersion: V, parameters: folder('getMany', { folder: at('/many'), returnAll: false, limit: 12 }) });
			expect(some).toHaveLength(12);
			if (isV4) expect(server.requestsTo('/file', 'GET').length).toBeGreaterThanOrEqual(3);
		});
	});

	test('search finds files anywhere below the scope, each with its real path', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.addFile('/docs/2026/report-q1.pdf', 'a');
			server.addFile('/docs/report-old.pdf', 'b');
			server.addFile('/other/report-x.pdf', 'c');
			server.addFile('/docs/notes.txt', 'd');
			const output = await runNode({ store, typeVersion: V, parameters: file('search', { query: 'report', returnAll: true, options: { folder: '/docs', type: 'file' } }) });
			expect(output.map((item) => item.json.path).sort()).toEqual(['/docs/2026/report-q1.pdf', '/docs/report-old.pdf']);
			const everywhere = await runNode({ store, typeVersion: V, parameters: file('search', { query: 'REPORT', returnAll: true, options: { type: 'file' } }) });
			expect(everywhere.map((item) => item.json.path).sort()).toEqual(['/docs/2026/report-q1.pdf', '/docs/report-old.pdf', '/other/report-x.pdf']);
		});
	});

	test('Get returns the entry; Get Direct Link an absolute URL', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.addFile('/pub/photo.jpg', 'jpeg');
			const [got] = await runNode({ store, typeVersion: V, parameters: file('get', { path: '/pub/photo.jpg' }) });
			expect(got.json).toMatchObject({ name: 'photo.jpg', path: '/pub/photo.jpg', type: 'file', size: 4, id: expect.any(String) });
			expect(Date.parse(String(got.json.createdAt))).not.toBeNaN();
			const [link] = await runNode({ store, typeVersion: V, parameters: file('getDirectLink', { path: '/pub/photo.jpg' }) });
			expect(link.json).toEqual({ path: '/pub/photo.jpg', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
		});
	});

	test('a missing path fails its item with a clear message; the other items go on', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.addFile('/here/a.txt', 'a');
			server.addFile('/here/c.txt', 'c');
			const items = ['/here/a.txt', '/here/missing.txt', '/here/c.txt'].map((path) => ({ json: { path } }));
			const output = await runNode({ store, typeVersion: V, items, continueOnFail: true, parameters: file('get', { path: '={{ $json.path }}' }) });
			expect(output[0].json.path).toBe('/here/a.txt');
			expect(String(output[1].json.error)).toMatch(/(\/here\/missing\.txt does not exist|The file or folder does not exist).* \[item 1\]$/);
			expect(output[1].pairedItem).toEqual({ item: 1 });
			expect(output[2].json.path).toBe('/here/c.txt');
		});
	});

	test('a file path given to the Folder resource (and a folder to File) is refused by name', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.addFile('/x/file.txt', 'f');
			const error = await failureOf(runNode({ store, typeVersion: V, parameters: folder('delete', { path: '/x/file.txt' }) }));
			expect(error.message).toBe('Invalid Path: /x/file.txt is a file, not a folder [item 0]');
			expect(server.fileContent('/x/file.txt')?.toString()).toBe('f');
			const other = await failureOf(runNode({ store, typeVersion: V, parameters: file('delete', { path: '/x' }) }));
			expect(other.message).toBe('Invalid Path: /x is a folder, not a file [item 0]');
		});
	});
});

describe.each(['3.5.2', '3.8.3', '4.0.0'])('Upload sessions on Cloudreve %s', (version) => {
	test('a session that expires between chunks costs exactly one re-login and the upload completes', async () => {
		await withServer({ version, chunkSize: 1000 }, async ({ server, store }) => {
			await runNode({ store, typeVersion: V, parameters: folder('getMany', { folder: at('/'), returnAll: true }) });
			const loginsBefore = server.stats.logins;
			let chunks = 0;
			server.onRequest = (request, fake) => {
				if (/\/file\/upload\/[^/]+\/\d+$/.test(request.path) && ++chunks === 2) fake.invalidateSessions();
			};
			const content = bytes(2500);
			const output = await runNode({ store, typeVersion: V, items: await itemsWithFiles([{ name: 'relogin.bin', content }]), parameters: file('upload', { folder: at('/r'), fileName: '' }) });
			expect(output[0].json).toMatchObject({ path: '/r/relogin.bin', size: 2500 });
			expect(server.fileContent('/r/relogin.bin')).toEqual(content);
			expect(server.stats.logins - loginsBefore).toBe(1);
		});
	});

	test('a chunk refused mid-way fails the item, deletes the upload session and leaves no placeholder', async () => {
		await withServer({ version, chunkSize: 1000 }, async ({ server, store }) => {
			server.faults.push({ path: /\/file\/upload\/[^/]+\/1$/, times: 1, action: { kind: 'json', body: { code: 40002, msg: 'Failed to upload' } } });
			const error = await failureOf(
				runNode({ store, typeVersion: V, items: await itemsWithFiles([{ name: 'broken.bin', content: bytes(2500) }]), parameters: file('upload', { folder: at('/b'), fileName: '' }) }),
			);
			expect(error.message).toMatch(/\(Cloudreve code 40002: Failed to upload\) \[item 0\]$/);
			expect(server.uploadSessions.size).toBe(0);
			expect(server.listPaths().filter((path) => path.startsWith('/b/'))).toEqual([]);
			expect(server.requests.some((request) => request.method === 'DELETE' && request.path.includes('/file/upload'))).toBe(true);
		});
	});

	test.each([
		['quota', { quotaBytes: 100 }, /Not enough storage space left on the Cloudreve account \(Cloudreve code 40051/],
		['size limit', { maxFileSize: 100 }, /The file is larger than the storage policy allows \(Cloudreve code 40049/],
		['extension', { allowedExtensions: ['txt'] }, /The storage policy does not allow this file extension \(Cloudreve code 40050/],
	])('%s: its own message, naming the item; nothing is left behind', async (_name, options, message) => {
		await withServer({ version, ...options }, async ({ server, store }) => {
			const items = await itemsWithFiles([{ name: 'ok.txt', content: bytes(10) }, { name: 'big.bin', content: bytes(500) }]);
			const output = await runNode({ store, typeVersion: V, items, continueOnFail: true, parameters: file('upload', { folder: at('/q'), fileName: '' }) });
			expect(output[0].json).toMatchObject({ path: '/q/ok.txt' });
			expect(String(output[1].json.error)).toMatch(message);
			expect(String(output[1].json.error)).toContain('[item 1]');
			expect(server.listPaths()).not.toContain('/q/big.bin');
			expect(server.uploadSessions.size).toBe(0);
		});
	});

	test.each(['remote', 's3', 'onedrive'] as const)('the %s storage policy gets the file byte-exact, in chunks, straight to the storage', async (storagePolicy) => {
		await withServer({ version, storagePolicy, chunkSize: 1024 }, async ({ server, store }) => {
			const content = bytes(3000, 5);
			const output = await runNode({ store, typeVersion: V, items: await itemsWithFiles([{ name: `${storagePolicy}.bin`, content }]), parameters: file('upload', { folder: at('/p'), fileName: '' }) });
			expect(output[0].json).toMatchObject({ path: `/p/${storagePolicy}.bin`, size: 3000 });
			expect(server.fileContent(`/p/${storagePolicy}.bin`)).toEqual(content);
			expect(server.requests.filter((request) => request.path.startsWith(`/fake-${storagePolicy === 'remote' ? 'slave' : storagePolicy}/`)).length).toBeGreaterThanOrEqual(3);
			expect(server.uploadSessions.size).toBe(0);
		});
	});

	test('an unknown storage policy type goes through Cloudreve itself', async () => {
		await withServer({ version, storagePolicy: 'qiniu' }, async ({ server, store }) => {
			const content = bytes(3000, 11);
			const output = await runNode({ store, typeVersion: V, items: await itemsWithFiles([{ name: 'relayed.bin', content }]), parameters: file('upload', { folder: at('/u'), fileName: '' }) });
			expect(output[0].json).toMatchObject({ path: '/u/relayed.bin', size: 3000 });
			expect(server.fileContent('/u/relayed.bin')).toEqual(content);
			expect(server.requests.filter((request) => request.path.startsWith('/fake-qiniu/'))).toEqual([]);
			expect(server.uploadSessions.size).toBe(0);
		});
	});
});

describe('Saved workflows and the folder picker', () => {
	test('a typeVersion 1 workflow (plain text folder paths) runs the new operations unchanged', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			server.addFile('/v1/a.txt', 'a');
			server.addFolder('/v1/target');
			const listed = await runNode({ store, typeVersion: 1, parameters: folder('getMany', { folder: '/v1', returnAll: true }) });
			expect(listed.map((item) => item.json.path)).toEqual(['/v1/target', '/v1/a.txt']);
			const moved = await runNode({ store, typeVersion: 1, parameters: file('move', { path: '/v1/a.txt', destination: '/v1/target' }) });
			expect(moved[0].json.path).toBe('/v1/target/a.txt');
			const added = await runNode({ store, typeVersion: 1, parameters: { resource: 'offlineDownload', operation: 'add', urls: 'http://x.example/a.iso', destination: '/v1/target', options: {} } });
			expect(added[0].json).toMatchObject({ destination: '/v1/target', tasks: [{ url: 'http://x.example/a.iso', status: 'queued' }] });
		});
	});

	test('Add Offline Download in typeVersion 1.1 takes the destination from the picker', async () => {
		await withServer({ version: '4.0.0' }, async ({ server, store }) => {
			const added = await runNode({ store, typeVersion: V, parameters: { resource: 'offlineDownload', operation: 'add', urls: 'http://x.example/b.iso', destination: at('/picked/folder'), options: {} } });
			expect(added[0].json).toMatchObject({ destination: '/picked/folder', tasks: [{ url: 'http://x.example/b.iso', status: 'queued' }] });
			expect(server.folders()).toContain('/picked/folder');
		});
	});
});
