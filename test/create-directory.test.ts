/** Folder → Create Directory, through the node's real execute() against each server variant. */
import { DEMO_USER } from './fake-cloudreve/server';
import { runNode } from './harness/n8n';
import { VERSIONS, createFolder, failureOf, withServer } from './harness/scenario';

const folderItems = ['/番剧/2026/春', '/Downloads/RSS', '/a b/c-d_e (1)'].map((path) => ({ json: { path } }));

describe.each(VERSIONS)('Create Directory on Cloudreve %s', (version) => {
	const isV4 = version.startsWith('4');

	test('creates three multi-level folders, unicode included, from a 3-item input', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const output = await runNode({ store, parameters: createFolder('={{ $json.path }}'), items: folderItems });

			expect(output.map((item) => item.json.path)).toEqual(['/番剧/2026/春', '/Downloads/RSS', '/a b/c-d_e (1)']);
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(server.folders()).toEqual(
				expect.arrayContaining(['/番剧', '/番剧/2026', '/番剧/2026/春', '/Downloads/RSS', '/a b/c-d_e (1)']),
			);
			if (isV4) {
				expect(output[0].json).toMatchObject({
					id: expect.any(String),
					name: '春',
					uri: `cloudreve://my/${encodeURIComponent('番剧')}/2026/${encodeURIComponent('春')}`,
				});
				expect(server.requestsTo('/file/create')[0].body).toEqual({
					uri: 'cloudreve://my/%E7%95%AA%E5%89%A7/2026/%E6%98%A5',
					type: 'folder',
					err_on_conflict: false,
				});
			} else {
				expect(output[0].json).toEqual({ path: '/番剧/2026/春' });
				expect(server.requestsTo('/directory', 'PUT')[0].body).toEqual({ path: '/番剧/2026/春' });
			}
		});
	});

	test('succeeds again for a folder that already exists', async () => {
		await withServer({ version }, async ({ server, store }) => {
			await runNode({ store, parameters: createFolder('/Downloads/RSS') });
			const again = await runNode({ store, parameters: createFolder('/Downloads/RSS') });

			expect(again).toEqual([{ json: expect.objectContaining({ path: '/Downloads/RSS' }), pairedItem: { item: 0 } }]);
			if (version === '3.4.3') {
				// 3.4 answers 40004 for an existing folder; the node looked before calling it success.
				expect(server.requestsTo('/directory/Downloads/RSS', 'GET')).toHaveLength(1);
			}
		});
	});

	test('with Error If Exists, an existing folder fails that item only', async () => {
		await withServer({ version }, async ({ store }) => {
			await runNode({ store, parameters: createFolder('/exists') });
			const output = await runNode({
				store,
				parameters: createFolder('={{ $json.path }}', { errorIfExists: true }),
				items: [{ json: { path: '/exists' } }, { json: { path: '/new' } }],
				continueOnFail: true,
			});

			expect(output[0]).toEqual({ json: expect.objectContaining({ error: expect.stringContaining('already exists') }), pairedItem: { item: 0 } });
			expect(output[0].json.error).toContain('[item 0]');
			expect(output[1]).toEqual({ json: expect.objectContaining({ path: '/new' }), pairedItem: { item: 1 } });
		});
	});

	test('a file with the same name is an error, even without Error If Exists', async () => {
		await withServer({ version }, async ({ store, server }) => {
			server.addFile('/Downloads/movie.mkv', '', DEMO_USER.email);
			const error = await failureOf(runNode({ store, parameters: createFolder('/Downloads/movie.mkv') }));
			expect(error.message).toBe(
				`A file or folder with this name already exists (Cloudreve code 40004: ${
					version === '3.4.3' || version === '3.5.2' ? '同名文件或目录已存在' : 'Object existed'
				}) [item 0]`,
			);
			expect(error.context?.itemIndex).toBe(0);
		});
	});

	test('normalizes surrounding spaces, double and trailing slashes', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const output = await runNode({ store, parameters: createFolder('  //Media//Shows/  ') });
			expect(output[0].json.path).toBe('/Media/Shows');
			expect(server.folders()).toContain('/Media/Shows');
		});
	});

	test('the root folder counts as created', async () => {
		await withServer({ version }, async ({ store }) => {
			const output = await runNode({ store, parameters: createFolder('/') });
			expect(output[0].json.path).toBe('/');
		});
	});

	test('a "?" in a folder name is rejected before any request', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const error = await failureOf(runNode({ store, parameters: createFolder('/shows/What?/s1') }));
			expect(error.message).toBe('Invalid Path: the folder name "What?" contains "?", which Cloudreve does not allow [item 0]');
			expect(server.stats.requests).toBe(0);
		});
	});
});

describe('Create Directory names', () => {
	test('accepts a 255-byte name (85 CJK characters)', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			const name = '春'.repeat(85);
			const output = await runNode({ store, parameters: createFolder(`/${name}`) });
			expect(output[0].json.path).toBe(`/${name}`);
			expect(server.folders()).toContain(`/${name}`);
		});
	});

	test('a "#" or "%" in a name is percent-encoded on 4.x, so it never becomes a fragment or an escape', async () => {
		await withServer({ version: '4.0.0' }, async ({ server, store }) => {
			const output = await runNode({ store, parameters: createFolder('/C# notes/100% done') });
			expect(server.requestsTo('/file/create')[0].body).toMatchObject({ uri: 'cloudreve://my/C%23%20notes/100%25%20done' });
			expect(server.folders()).toContain('/C# notes/100% done');
			expect(output[0].json).toMatchObject({ path: '/C# notes/100% done', name: '100% done' });
		});
	});

	test('a path below a file is refused by Cloudreve 4.x with its own message', async () => {
		await withServer({ version: '4.0.0' }, async ({ server, store }) => {
			server.addFile('/notes.txt');
			const error = await failureOf(runNode({ store, parameters: createFolder('/notes.txt/sub') }));
			expect(error.message).toBe('A part of the path is a file, not a folder (Cloudreve code 403: Not supported action) [item 0]');
		});
	});
});
