/**
 * Share links and storage use through the node's real execute(), per server era: links that work
 * when fetched and stop working once deleted or expired, the 3.x expiry rule, the 4.x password in
 * the link, paging past one page, and a message of its own for each failure.
 */
import type { FakeCloudreve } from './fake-cloudreve/server';
import { downloadThroughShare, shareSettings, sharesOf } from './fake-cloudreve/shares';
import { runNode } from './harness/n8n';
import { failureOf, withServer } from './harness/scenario';

/** 3.4 and 3.5.2 have the old codes (404), 3.8.3 the new ones (40058), 4.x its own API. */
const ERAS = ['3.4.3', '3.5.2', '3.8.3', '4.0.0'] as const;
const V = 1.1;

const share = (operation: string, parameters: Record<string, unknown> = {}) => ({ resource: 'share', operation, options: {}, ...parameters });
const getStorage = { resource: 'account', operation: 'getStorage', options: {} };
const byPath = (...paths: string[]) => paths.map((path) => ({ json: { path } }));

async function status(url: string): Promise<number> {
	return (await fetch(url)).status;
}

function seed(server: FakeCloudreve): void {
	server.addFile('/docs/a.txt', 'A');
	server.addFile('/docs/报告 2026.pdf', '%PDF-1.4 fake');
	server.addFile('/docs/photos/x.jpg', 'x');
}

describe.each(ERAS)('Shares and storage on Cloudreve %s', (version) => {
	const isV4 = version.startsWith('4');

	test('shares a file, a unicode-named file and a folder from a 3-item input with password, expiry and limit; each link works', async () => {
		await withServer({ version }, async ({ server, store }) => {
			seed(server);
			const started = Date.now();
			const output = await runNode({
				store,
				typeVersion: V,
				items: byPath('/docs/a.txt', '/docs/报告 2026.pdf', '/docs/photos'),
				parameters: share('create', { path: '={{ $json.path }}', options: { password: 'Secret123', expiresIn: 3600, downloadLimit: 5 } }),
			});

			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(output.map((item) => item.json.path)).toEqual(['/docs/a.txt', '/docs/报告 2026.pdf', '/docs/photos']);
			for (const { json } of output) {
				expect(json).toEqual({ id: expect.any(String), url: expect.any(String), path: json.path, password: 'Secret123', expiresAt: expect.any(String), downloadLimit: 5 });
				const expiresAt = Date.parse(String(json.expiresAt));
				expect(expiresAt).toBeGreaterThanOrEqual(started + 3600_000 - 1000);
				expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
				// 4.x puts the password into the link; 3.x does not.
				expect(json.url).toBe(`${server.url}/s/${json.id}${isV4 ? '/Secret123' : ''}`);
				expect(await status(String(json.url))).toBe(200);
			}
			const made = sharesOf(server);
			expect(made.map((item) => item.key)).toEqual(output.map((item) => item.json.id));
			expect(made.map((item) => item.isDir)).toEqual([false, false, true]);
			made.forEach((item) => {
				expect(item).toMatchObject({ password: 'Secret123', remainDownloads: 5 });
				expect(item.expires! - Date.now()).toBeGreaterThan(3590_000);
			});
			const sent = server.requests.filter((request) => request.path === '/api/v3/share' || request.path === '/api/v4/share').map((request) => request.body);
			expect(sent[2]).toEqual(
				isV4
					? { uri: 'cloudreve://my/docs/photos', is_private: true, password: 'Secret123', downloads: 5, expire: 3600, share_view: false }
					: { id: expect.any(String), is_dir: true, password: 'Secret123', downloads: 5, expire: 3600, preview: true },
			);
		});
	});

	test('without options: a link with no password, expiry or limit (typeVersion 1 too); Allow Preview off reaches 3.x', async () => {
		await withServer({ version }, async ({ server, store }) => {
			seed(server);
			const output = await runNode({ store, typeVersion: 1, parameters: share('create', { path: '/docs/a.txt' }) });
			expect(output[0].json).toEqual({ id: expect.any(String), url: `${server.url}/s/${output[0].json.id}`, path: '/docs/a.txt' });
			const [made] = sharesOf(server);
			expect(made.password).toBe('');
			expect(made.expires).toBeUndefined();
			expect(made.remainDownloads).toBe(isV4 ? undefined : -1);

			await runNode({ store, typeVersion: V, parameters: share('create', { path: '/docs/a.txt', options: { allowPreview: false } }) });
			if (!isV4) expect(sharesOf(server)[1].preview).toBe(false);
		});
	});

	if (!isV4) {
		test('3.x: an expiry without a download limit fails that item and creates nothing; other items go on', async () => {
			await withServer({ version }, async ({ server, store }) => {
				seed(server);
				const items = [
					{ json: { path: '/docs/a.txt', options: { expiresIn: 3600 } } },
					{ json: { path: '/docs/a.txt', options: { expiresIn: 3600, downloadLimit: 2 } } },
					{ json: { path: '/docs/a.txt', options: {} } },
				];
				const parameters = share('create', {
					path: '={{ $json.path }}',
					options: { expiresIn: '={{ $json.options.expiresIn ?? "" }}', downloadLimit: '={{ $json.options.downloadLimit ?? "" }}' },
				});
				const output = await runNode({ store, typeVersion: V, items, continueOnFail: true, parameters });

				expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
				expect(output[0].json.error).toBe(
					'On Cloudreve 3.x an expiry only works together with a download limit: set Options → Download Limit too (the link was not created) [item 0]',
				);
				expect(String(output[0].json.description)).toContain('never expires');
				expect(output[1].json).toMatchObject({ downloadLimit: 2, expiresAt: expect.any(String) });
				expect(output[2].json.expiresAt).toBeUndefined();
				expect(sharesOf(server)).toHaveLength(2);
				expect(server.requests.filter((request) => request.method === 'POST' && request.path === '/api/v3/share')).toHaveLength(2);

				const error = await failureOf(runNode({ store, typeVersion: V, parameters: share('create', { path: '/docs/a.txt', options: { expiresIn: 60 } }) }));
				expect(error.message).toContain('set Options → Download Limit too');
				expect(error.constructor.name).toBe('NodeOperationError');
			});
		});

		test('3.x: a download limit alone gives a link that stops after that many downloads (sent with a 100-year expiry)', async () => {
			await withServer({ version }, async ({ server, store }) => {
				seed(server);
				const [{ json }] = await runNode({ store, typeVersion: V, parameters: share('create', { path: '/docs/a.txt', options: { downloadLimit: 2 } }) });
				expect(json.expiresAt).toBeUndefined();
				const body = server.requestsTo('/share', 'POST')[0].body as { expire: number; downloads: number };
				expect(body.downloads).toBe(2);
				expect(body.expire).toBeGreaterThan(99 * 365 * 24 * 3600);
				expect(await status(String(json.url))).toBe(200);
				expect(downloadThroughShare(server, String(json.id))).toBe(true);
				expect(downloadThroughShare(server, String(json.id))).toBe(true);
				expect(await status(String(json.url))).toBe(404);
			});
		});
	} else {
		test('4.x: an expiry alone applies (no download limit needed); the link is gone once it expired', async () => {
			await withServer({ version }, async ({ server, store }) => {
				seed(server);
				const [{ json }] = await runNode({ store, typeVersion: V, parameters: share('create', { path: '/docs/a.txt', options: { expiresIn: 60 } }) });
				expect(json).toMatchObject({ expiresAt: expect.any(String) });
				expect(json.downloadLimit).toBeUndefined();
				expect(sharesOf(server)[0]).toMatchObject({ remainDownloads: undefined, expires: expect.any(Number) });
				expect(await status(String(json.url))).toBe(200);
				sharesOf(server)[0].expires = Date.now() - 1000;
				expect(await status(String(json.url))).toBe(404);
				const [listed] = await runNode({ store, typeVersion: V, parameters: share('getMany', { returnAll: true }) });
				expect(listed.json).toMatchObject({ id: json.id, expired: true });
			});
		});

		test('4.x: a password must be letters and digits (never quoted back); a 4.0 beta cannot set one', async () => {
			await withServer({ version }, async ({ server, store }) => {
				seed(server);
				const output = await runNode({
					store,
					typeVersion: V,
					continueOnFail: true,
					items: [{ json: { password: 'not ok!' } }, { json: { password: 'x'.repeat(33) } }, { json: { password: 'Fine42' } }],
					parameters: share('create', { path: '/docs/a.txt', options: { password: '={{ $json.password }}' } }),
				});
				expect(output[0].json.error).toBe('Invalid Password: Cloudreve 4.x accepts only letters and digits (A-Z, a-z, 0-9), at most 32 of them [item 0]');
				expect(output[1].json.error).toContain('[item 1]');
				expect(JSON.stringify(output.slice(0, 2))).not.toMatch(/not ok!|xxxxxxxx/);
				expect(output[2].json).toMatchObject({ password: 'Fine42', url: expect.stringMatching(/\/s\/[^/]+\/Fine42$/) });
				expect(sharesOf(server)).toHaveLength(1);
			});
			await withServer({ version: '4.0.0-beta.9' }, async ({ server, store }) => {
				seed(server);
				const error = await failureOf(runNode({ store, typeVersion: V, parameters: share('create', { path: '/docs/a.txt', options: { password: 'Secret123' } }) }));
				expect(error.message).toBe('Cloudreve 4.0.0-beta.9 cannot set a custom share password (4.0.0 and later can); the link was not created [item 0]');
				expect(sharesOf(server)).toHaveLength(0);
				const [{ json }] = await runNode({ store, typeVersion: V, parameters: share('create', { path: '/docs/a.txt' }) });
				expect(await status(String(json.url))).toBe(200);
			});
		});
	}

	test('Get Many pages past one page (3.x: 18 a page; 4.x: cursor pages of at most 100), with Limit and Return All', async () => {
		await withServer({ version }, async ({ server, store }) => {
			seed(server);
			const count = isV4 ? 120 : 40;
			const items = Array.from({ length: count }, (_, index) => ({ json: { path: index % 2 === 0 ? '/docs/a.txt' : '/docs/photos' } }));
			const created = await runNode({ store, typeVersion: V, items, parameters: share('create', { path: '={{ $json.path }}', options: { password: 'Pw1', downloadLimit: 9, expiresIn: 7200 } }) });
			expect(created).toHaveLength(count);

			const all = await runNode({ store, typeVersion: V, parameters: share('getMany', { returnAll: true }) });
			expect(all).toHaveLength(count);
			expect(new Set(all.map((item) => item.json.id))).toEqual(new Set(created.map((item) => item.json.id)));
			const file = all.find((item) => item.json.type === 'file')!.json;
			expect(file).toEqual({
				id: expect.any(String),
				url: `${server.url}/s/${file.id}`,
				name: 'a.txt',
				type: 'file',
				views: 0,
				downloads: 0,
				downloadsLeft: 9,
				expiresAt: expect.any(String),
				expired: false,
				hasPassword: true,
				createdAt: expect.any(String),
			});
			expect(Math.abs(Date.parse(String(file.expiresAt)) - (Date.now() + 7200_000))).toBeLessThan(5000);
			expect(all.find((item) => item.json.type === 'folder')!.json).toMatchObject({ name: 'photos', type: 'folder' });
			// A listing shows links, never passwords (4.x would have them in the link).
			expect(JSON.stringify(all)).not.toContain('Pw1');

			const listings = server.requests.filter((request) => request.method === 'GET' && request.path.startsWith(`/api/${isV4 ? 'v4' : 'v3'}/share?`)).map((request) => request.path);
			if (isV4) {
				expect(listings).toEqual(['/api/v4/share?page_size=100', expect.stringMatching(/^\/api\/v4\/share\?page_size=100&next_page_token=.+/)]);
			} else {
				expect(listings).toEqual([1, 2, 3].map((page) => `/api/v3/share?page=${page}&order_by=created_at&order=DESC`));
			}

			const limited = await runNode({ store, typeVersion: V, parameters: share('getMany', { returnAll: false, limit: 30 }) });
			expect(limited).toHaveLength(30);
			expect(new Set(limited.map((item) => item.json.id)).size).toBe(30);
		});
	});

	test('deletes three shares from a 3-item input (by id, and by link); the links are gone', async () => {
		await withServer({ version }, async ({ server, store }) => {
			seed(server);
			const created = await runNode({ store, typeVersion: V, items: byPath('/docs/a.txt', '/docs/报告 2026.pdf', '/docs/photos'), parameters: share('create', { path: '={{ $json.path }}' }) });
			const items = created.map((item, index) => ({ json: { ref: index === 2 ? item.json.url : item.json.id } }));

			const output = await runNode({ store, typeVersion: V, items, parameters: share('delete', { shareId: '={{ $json.ref }}' }) });

			expect(output.map((item) => item.json)).toEqual(created.map((item) => ({ id: item.json.id, deleted: true })));
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			for (const item of created) expect(await status(String(item.json.url))).toBe(404);
			expect(sharesOf(server)).toEqual([]);
			expect(await runNode({ store, typeVersion: V, parameters: share('getMany', { returnAll: true }) })).toEqual([]);
		});
	});

	test('no permission, an unknown path and an unknown share id each have their own message naming the item; other items go on', async () => {
		await withServer({ version }, async ({ server, store }) => {
			seed(server);
			// unknown path
			const created = await runNode({ store, typeVersion: V, continueOnFail: true, items: byPath('/docs/a.txt', '/docs/missing.txt', '/docs/photos'), parameters: share('create', { path: '={{ $json.path }}' }) });
			expect(created[0].json.url).toEqual(expect.any(String));
			expect(String(created[1].json.error)).toMatch(/^(\/docs\/missing\.txt does not exist|The file or folder does not exist \(Cloudreve code 40016.*\)) \[item 1\]$/);
			expect(created[2].json.url).toEqual(expect.any(String));

			// unknown share id
			const deleted = await runNode({
				store,
				typeVersion: V,
				continueOnFail: true,
				items: [{ json: { id: created[0].json.id } }, { json: { id: isV4 ? 'nope' : 'Snope1' } }, { json: { id: created[2].json.id } }],
				parameters: share('delete', { shareId: '={{ $json.id }}' }),
			});
			expect(deleted[0].json).toEqual({ id: created[0].json.id, deleted: true });
			const code = isV4 ? 40001 : version === '3.8.3' ? 40058 : 404;
			expect(String(deleted[1].json.error)).toMatch(new RegExp(`^No share link with this id \\(Cloudreve code ${code}.*\\) \\[item 1\\]$`));
			expect(String(deleted[1].json.description)).toContain('Share ID');
			expect(deleted[2].json).toEqual({ id: created[2].json.id, deleted: true });
			if (isV4) {
				const gone = await failureOf(runNode({ store, typeVersion: V, parameters: share('delete', { shareId: created[0].json.id }) }));
				expect(gone.message).toMatch(/^No share link with this id \(Cloudreve code 404: share not found\) \[item 0\]$/);
			}

			// no permission
			shareSettings(server).groupAllowsShare = false;
			const refused = await runNode({ store, typeVersion: V, continueOnFail: true, items: byPath('/docs/a.txt', '/docs/photos'), parameters: share('create', { path: '={{ $json.path }}' }) });
			refused.forEach((item, index) => {
				expect(String(item.json.error)).toMatch(new RegExp(`^This account's user group may not create share links \\(Cloudreve code 40007.*\\) \\[item ${index}\\]$`));
				expect(String(item.json.description)).toContain('Groups');
			});
			const error = await failureOf(runNode({ store, typeVersion: V, parameters: share('create', { path: '/docs/a.txt' }) }));
			expect(error.message).toMatch(/^This account's user group may not create share links/);
			expect(sharesOf(server)).toHaveLength(0);
		});
	});

	test('a link built from a site URL of http://localhost is kept, with a warning to set the site URL', async () => {
		await withServer({ version }, async ({ server, store }) => {
			seed(server);
			shareSettings(server).siteUrl = 'http://localhost';
			const [{ json }] = await runNode({ store, typeVersion: V, parameters: share('create', { path: '/docs/a.txt', options: { password: 'Secret123', downloadLimit: 3 } }) });
			expect(String(json.url)).toMatch(/^http:\/\/localhost\/s\//);
			expect(json.warning).toContain('points at localhost');
			expect(json.warning).toContain('site URL');
			expect(json.warning).not.toContain('Secret123');
			if (isV4) {
				const [listed] = await runNode({ store, typeVersion: V, parameters: share('getMany', { returnAll: true }) });
				expect(listed.json).toMatchObject({ url: `http://localhost/s/${json.id}`, warning: expect.stringContaining('site URL') });
			}
		});
	});

	test('Get Storage: used, total and free bytes for each of 3 items; free never below 0', async () => {
		await withServer({ version, quotaBytes: 10_000 }, async ({ server, store }) => {
			server.addFile('/a.bin', Buffer.alloc(1000));
			server.addFile('/b/c.bin', Buffer.alloc(2345));
			const output = await runNode({ store, typeVersion: V, items: [{ json: {} }, { json: {} }, { json: {} }], parameters: getStorage });
			expect(output.map((item) => item.json)).toEqual(Array(3).fill({ used: 3345, total: 10_000, free: 6655 }));
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

			server.options.quotaBytes = 3000;
			const [over] = await runNode({ store, typeVersion: 1, parameters: getStorage });
			expect(over.json).toEqual({ used: 3345, total: 3000, free: 0 });
			expect(server.requestsTo(isV4 ? '/user/capacity' : '/user/storage', 'GET')).toHaveLength(4);
		});
	});
});
