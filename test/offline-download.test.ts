/** Offline Download → Add Offline Download, through the node's real execute() on each server variant. */
import { runNode } from './harness/n8n';
import { VERSIONS, addDownload, failureOf, rssItems, withServer } from './harness/scenario';

describe.each(VERSIONS)('Add Offline Download on Cloudreve %s', (version) => {
	const isV4 = version.startsWith('4');
	const batchesUrls = version === '3.8.3' || isV4;

	test('adds three RSS links as offline downloads into a folder it creates once', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/RSS/番剧'), items: rssItems(3) });

			expect(output).toHaveLength(3);
			output.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json.destination).toBe('/RSS/番剧');
				const tasks = item.json.tasks as Array<Record<string, unknown>>;
				expect(tasks).toEqual([
					// 3.x returns no task id: the node finds the gid in the task lists.
					{ url: `http://feeds.example/episode-${index + 1}.torrent`, status: 'queued', taskId: server.tasks[index].id },
				]);
			});
			expect(server.tasks.map((task) => task.url)).toEqual([1, 2, 3].map((n) => `http://feeds.example/episode-${n}.torrent`));
			expect(server.folders()).toContain('/RSS/番剧');
			// One mkdir for the one destination, however many items.
			expect(server.requestsTo(isV4 ? '/file/create' : '/directory', isV4 ? 'POST' : 'PUT')).toHaveLength(1);

			const added = server.requestsTo(isV4 ? '/workflow/download' : '/aria2/url');
			const links = [1, 2, 3].map((n) => `http://feeds.example/episode-${n}.torrent`);
			if (isV4) {
				// The three items share one request (Items per Request), each output its own.
				expect(added.map((request) => request.body)).toEqual([{ src: links, dst: 'cloudreve://my/RSS/%E7%95%AA%E5%89%A7' }]);
				expect(output[0].json.tasks).toEqual([expect.objectContaining({ taskId: server.tasks[0].id })]);
			} else if (batchesUrls) {
				expect(added.map((request) => request.body)).toEqual([{ url: links, dst: '/RSS/番剧' }]);
			} else {
				expect(added).toHaveLength(3);
				// Before 3.5.3 `url` is a single string.
				expect(added[0].body).toEqual({ url: 'http://feeds.example/episode-1.torrent', dst: '/RSS/番剧' });
			}
		});
	});

	test('adds several links of one item, given one per line or as a list from an expression', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const links = ['https://a.example/1.iso', 'ftp://b.example/2.iso', 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567'];
			const fromText = await runNode({ store, parameters: addDownload(` ${links[0]}\r\n\n${links[1]}\n${links[2]} \n`, '/Downloads') });
			const fromList = await runNode({ store, parameters: addDownload('={{ $json.links }}', '/Downloads'), items: [{ json: { links } }] });

			for (const output of [fromText, fromList]) {
				expect((output[0].json.tasks as Array<{ url: string }>).map((task) => task.url)).toEqual(links);
			}
			expect(server.tasks.map((task) => task.url)).toEqual([...links, ...links]);
			const requests = server.requestsTo(isV4 ? '/workflow/download' : '/aria2/url');
			expect(requests).toHaveLength(batchesUrls ? 2 : 6);
		});
	});

	test('a link the downloader refuses fails its item, names the link, and keeps the other results', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.failingUrls.set('http://bad.example/x.torrent', isV4 ? 40048 : version === '3.8.3' ? 40048 : -1);
			const items = [{ json: { links: ['http://good.example/a.torrent', 'http://bad.example/x.torrent'] } }, { json: { links: ['http://good.example/b.torrent'] } }];
			const output = await runNode({ store, parameters: addDownload('={{ $json.links }}', '/Downloads'), items, continueOnFail: true });

			expect(output).toHaveLength(2);
			expect(output[0].pairedItem).toEqual({ item: 0 });
			expect(output[0].json.error).toMatch(/^1 of 2 links could not be added: http:\/\/bad\.example\/x\.torrent \(The downloader \(aria2\) refused to create the task \(Cloudreve code (40048|-1)/);
			expect(output[0].json.error).toContain('[item 0]');
			expect(output[0].json.tasks).toEqual([
				expect.objectContaining({ url: 'http://good.example/a.torrent', status: 'queued' }),
				expect.objectContaining({ url: 'http://bad.example/x.torrent', status: 'failed', code: expect.any(Number), error: expect.stringContaining('refused') }),
			]);
			expect(output[0].json.description).toContain('The other links were queued');
			expect(output[1]).toEqual({ json: expect.objectContaining({ tasks: [expect.objectContaining({ status: 'queued' })] }), pairedItem: { item: 1 } });
			expect(server.tasks.map((task) => task.url)).toEqual(['http://good.example/a.torrent', 'http://good.example/b.torrent']);
		});
	});

	test('without Create Destination, a missing folder is a clear error', async () => {
		await withServer({ version }, async ({ store }) => {
			const error = await failureOf(runNode({ store, parameters: addDownload('http://a.example/1.iso', '/nope', { createDestination: false }) }));
			expect(error.message).toMatch(/^The destination folder does not exist \(Cloudreve code (404|40016)/);
			expect(error.description).toContain('Create Destination');
		});
	});

	test('a user group without offline download gets a message about the group', async () => {
		await withServer({ version, groupAllowsRemoteDownload: false }, async ({ store }) => {
			const error = await failureOf(runNode({ store, parameters: addDownload('http://a.example/1.iso', '/') }));
			expect(error.message).toMatch(/^This account's user group may not use offline download \(Cloudreve code 40007/);
		});
	});

	test('a javascript: link is rejected before any request and the other items go on', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const items = [{ json: { link: 'javascript:alert(1)' } }, { json: { link: 'http://ok.example/1.iso' } }];
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/'), items, continueOnFail: true });

			expect(output[0]).toEqual({
				json: expect.objectContaining({ error: 'Invalid URLs: "javascript:alert(1)" is not an http, https, ftp or magnet link [item 0]' }),
				pairedItem: { item: 0 },
			});
			expect(output[1].json.tasks).toEqual([expect.objectContaining({ url: 'http://ok.example/1.iso', status: 'queued' })]);
			expect(server.tasks).toHaveLength(1);
		});
	});
});

describe('Add Offline Download, server-wide failures', () => {
	test('3.8.3 without an aria2 node: an outer code 0 with per-URL 50005 is a failure, not a success', async () => {
		await withServer({ version: '3.8.3', aria2: 'noNode' }, async ({ server, store }) => {
			const error = await failureOf(runNode({ store, parameters: addDownload('http://a.example/1.iso', '/') }));
			expect(error.message).toBe(
				'1 of 1 links could not be added: http://a.example/1.iso (Cloudreve has no working offline-download node (aria2) (Cloudreve code 50005: Failed to get Aria2 instance)) [item 0]',
			);
			expect(server.tasks).toHaveLength(0);
		});
	});

	test('3.4.3 without an aria2 node: the first refusal is reported for all links and the rest are not sent', async () => {
		await withServer({ version: '3.4.3', aria2: 'noNode' }, async ({ server, store }) => {
			const output = await runNode({ store, parameters: addDownload('http://a.example/1.iso\nhttp://a.example/2.iso', '/'), continueOnFail: true });
			expect(output[0].json.error).toBe('Cloudreve has no working offline-download node (aria2) (Cloudreve code 50005: Aria2 实例获取失败) [item 0]');
			expect(output[0].json.tasks).toEqual([
				expect.objectContaining({ url: 'http://a.example/1.iso', status: 'failed', code: 50005 }),
				expect.objectContaining({ url: 'http://a.example/2.iso', status: 'failed', code: 50005 }),
			]);
			expect(server.requestsTo('/aria2/url')).toHaveLength(1);
		});
	});

	test('4.x partial failure (40081): failed links are named, the others are reported queued', async () => {
		await withServer({ version: '4.0.0' }, async ({ server, store }) => {
			server.failingUrls.set('http://bad.example/2', 40048);
			const output = await runNode({
				store,
				parameters: addDownload('http://ok.example/1\nhttp://bad.example/2\nhttp://ok.example/3', '/'),
				continueOnFail: true,
			});
			expect(output[0].json.error).toContain('1 of 3 links could not be added: http://bad.example/2');
			// 4.x sends no task ids with a partial failure: the node finds them in the task lists.
			expect(output[0].json.tasks).toEqual([
				{ url: 'http://ok.example/1', status: 'queued', taskId: server.tasks[0].id },
				expect.objectContaining({ url: 'http://bad.example/2', status: 'failed', code: 40048 }),
				{ url: 'http://ok.example/3', status: 'queued', taskId: server.tasks[1].id },
			]);
			expect(server.tasks.map((task) => task.url)).toEqual(['http://ok.example/1', 'http://ok.example/3']);
		});
	});

	test('a destination that is a file is refused by 3.x before 3.6 as a missing folder', async () => {
		await withServer({ version: '3.4.3' }, async ({ server, store }) => {
			server.addFile('/notes.txt');
			const error = await failureOf(runNode({ store, parameters: addDownload('http://a.example/1.iso', '/notes.txt', { createDestination: false }) }));
			expect(error.message).toContain('The destination folder does not exist (Cloudreve code 404');
		});
	});
});

describe('Add Offline Download destination', () => {
	test('a trailing slash in the destination is normalized (3.x cannot find "/a/")', async () => {
		await withServer({ version: '3.8.3' }, async ({ server, store }) => {
			const output = await runNode({ store, parameters: addDownload('http://a.example/1', '/Downloads/', { createDestination: true }) });
			expect(output[0].json.destination).toBe('/Downloads');
			expect(server.requestsTo('/aria2/url')[0].body).toEqual({ url: ['http://a.example/1'], dst: '/Downloads' });
		});
	});
});
