/**
 * Bad input from a previous node, as a table. Each case is item 1 of three; items 0 and 2 are
 * good. The case is either normalized, or item 1 fails with an error naming the field and the item,
 * and the other two items go on.
 */
import type { IDataObject } from 'n8n-workflow';

import { runNode } from './harness/n8n';
import { addDownload, createFolder, withServer } from './harness/scenario';

type Expectation = { normalized: unknown } | { error: string };

const PATH_CASES: Array<[string, unknown, Expectation]> = [
	['empty path', '', { error: 'Invalid Path: the path is empty' }],
	['whitespace path', '   \t ', { error: 'Invalid Path: the path is empty' }],
	['relative path', 'Downloads/RSS', { error: 'Invalid Path: "Downloads/RSS" is not an absolute path' }],
	['".." segment', '/a/../etc', { error: 'Invalid Path: the segment ".." is not allowed' }],
	['"." segment', '/a/./b', { error: 'Invalid Path: the segment "." is not allowed' }],
	['trailing slash', '/Shows/', { normalized: '/Shows' }],
	['double slashes', '//Shows//2026', { normalized: '/Shows/2026' }],
	['surrounding whitespace and newline', '  /Shows/2026 \n', { normalized: '/Shows/2026' }],
	['unicode', '/番剧/2026/春', { normalized: '/番剧/2026/春' }],
	['"?" in a name', '/What?/s1', { error: 'Invalid Path: the folder name "What?" contains "?", which Cloudreve does not allow' }],
	['":" in a name', '/a:b', { error: 'Invalid Path: the folder name "a:b" contains ":", which Cloudreve does not allow' }],
	['"\\" in a name', '/a\\b', { error: 'Invalid Path: the folder name "a\\b" contains "\\", which Cloudreve does not allow' }],
	['"*" in a name', '/a*', { error: 'contains "*"' }],
	['"|" in a name', '/a|b', { error: 'contains "|"' }],
	['"<" in a name', '/<b>', { error: 'contains "<"' }],
	['a 256-byte name', `/${'n'.repeat(256)}`, { error: 'is 256 bytes long; Cloudreve allows at most 255 bytes per name' }],
	['a name ending in a space', '/name /x', { error: 'Invalid Path: the folder name "name " ends with a space' }],
	['a control character', '/tab\there', { error: 'contains a control character' }],
	['a number', 2026, { error: 'Invalid Path: expected a folder path such as /Downloads, got the number 2026' }],
	['null', null, { error: 'Invalid Path: expected a folder path such as /Downloads, got null' }],
	['an object', { path: '/a' }, { error: 'Invalid Path: expected a folder path such as /Downloads, got an object' }],
	['an array', ['/a'], { error: 'Invalid Path: expected a folder path such as /Downloads, got a list' }],
];

const URL_CASES: Array<[string, unknown, Expectation]> = [
	['no link', '', { error: 'Invalid URLs: no link given' }],
	['blank lines only', '\n  \n', { error: 'Invalid URLs: no link given' }],
	['not a URL', 'episode 1', { error: 'Invalid URLs: "episode 1" is not an http, https, ftp or magnet link' }],
	['a javascript: link', 'javascript:alert(1)', { error: 'Invalid URLs: "javascript:alert(1)" is not an http, https, ftp or magnet link' }],
	['a file: link', 'file:///etc/passwd', { error: 'Invalid URLs: "file:///etc/passwd" is not an http, https, ftp or magnet link' }],
	['a number', 42, { error: 'Invalid URLs: expected links as text or a list, got the number 42' }],
	['null', null, { error: 'Invalid URLs: expected links as text or a list, got null' }],
	['an object', { url: 'http://a.example/1' }, { error: 'Invalid URLs: expected links as text or a list, got an object' }],
	['a list with a number', ['http://a.example/1', 7], { error: 'Invalid URLs: entry 1 of the list is the number 7, not a link' }],
	['an empty list', [], { error: 'Invalid URLs: no link given' }],
	['links with blank lines and spaces', ' http://a.example/1 \r\n\n http://a.example/2', { normalized: ['http://a.example/1', 'http://a.example/2'] }],
	['a list whose entry holds two lines', ['http://a.example/1', 'http://a.example/2\nmagnet:?xt=urn:btih:abc'], { normalized: ['http://a.example/1', 'http://a.example/2', 'magnet:?xt=urn:btih:abc'] }],
];

const DESTINATION_CASES: Array<[string, unknown, Expectation]> = [
	['relative destination', 'Downloads', { error: 'Invalid Destination: "Downloads" is not an absolute path' }],
	['destination with trailing slash', '/Downloads/', { normalized: '/Downloads' }],
	['destination that is a file', '/notes.txt', { error: 'A file or folder with this name already exists (Cloudreve code 40004' }],
];

async function runCase(parameters: Record<string, unknown>, good: unknown, value: unknown) {
	return await withServer({ version: '3.8.3' }, async ({ server, store }) => {
		server.addFile('/notes.txt');
		const items = [good, value, good].map((entry) => ({ json: { value: entry } as IDataObject }));
		const output = await runNode({ store, parameters, items, continueOnFail: true });
		expect(output).toHaveLength(3);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[0].json.error).toBeUndefined();
		expect(output[2].json.error).toBeUndefined();
		return output[1].json;
	});
}

function check(result: Record<string, unknown>, expectation: Expectation, read: (json: Record<string, unknown>) => unknown) {
	if ('error' in expectation) {
		expect(result.error).toContain(expectation.error);
		expect(result.error).toMatch(/\[item 1\]$/);
	} else {
		expect(result.error).toBeUndefined();
		expect(read(result)).toEqual(expectation.normalized);
	}
}

describe('Bad input from expressions', () => {
	test.each(PATH_CASES)('Create Directory Path: %s', async (_name, value, expectation) => {
		const result = await runCase(createFolder('={{ $json.value }}'), '/good', value);
		check(result, expectation, (json) => json.path);
	});

	test.each(URL_CASES)('Add Offline Download URLs: %s', async (_name, value, expectation) => {
		const result = await runCase(addDownload('={{ $json.value }}', '/'), 'http://good.example/1', value);
		check(result, expectation, (json) => (json.tasks as Array<{ url: string }>).map((task) => task.url));
	});

	test.each(DESTINATION_CASES)('Add Offline Download Destination: %s', async (_name, value, expectation) => {
		const result = await runCase(addDownload('http://a.example/1', '={{ $json.value }}'), '/Good', value);
		check(result, expectation, (json) => json.destination);
	});

	test('the table has at least 25 cases', () => {
		expect(PATH_CASES.length + URL_CASES.length + DESTINATION_CASES.length).toBeGreaterThanOrEqual(25);
	});
});

describe('1,000 URLs in one item', () => {
	test.each(['3.8.3', '4.0.0'])('on Cloudreve %s, a group limit of 100 links per request (40015) is met by splitting; each link is added once', async (version) => {
		await withServer({ version, aria2BatchSize: 100 }, async ({ server, store }) => {
			const links = Array.from({ length: 1000 }, (_, index) => `http://bulk.example/file-${index}.bin`);
			const output = await runNode({ store, parameters: addDownload(links.join('\n'), '/Bulk') });

			const tasks = output[0].json.tasks as Array<{ url: string; status: string }>;
			expect(tasks.map((task) => task.url)).toEqual(links);
			expect(tasks.every((task) => task.status === 'queued')).toBe(true);
			expect(server.tasks.map((task) => task.url)).toEqual(links);
			const sizes = server.requestsTo(version === '3.8.3' ? '/aria2/url' : '/workflow/download').map((r) => {
				const body = r.body as { url?: string[]; src?: string[] };
				return (body.url ?? body.src)!.length;
			});
			expect(Math.max(...sizes.filter((size) => size <= 100))).toBeLessThanOrEqual(100);
			expect(sizes.filter((size) => size <= 100).reduce((a, b) => a + b, 0)).toBe(1000);
		});
	});

	test('when the running-download limit is reached after a split, the queued half is kept and the rest is reported, not retried', async () => {
		await withServer({ version: '3.8.3', aria2BatchSize: 100 }, async ({ server, store }) => {
			let adds = 0;
			server.onRequest = (request, fake) => {
				// Request 1 (150 links) is over the batch limit; request 2 (first 75) goes through;
				// from request 3 on, the group's running-download limit refuses everything.
				if (request.path === '/api/v3/aria2/url' && ++adds === 3) fake.faults.push({ path: '/api/v3/aria2/url', action: { kind: 'json', body: { code: 40015, msg: '' } } });
			};
			const links = Array.from({ length: 150 }, (_, index) => `http://limit.example/${index}.bin`);
			const output = await runNode({ store, parameters: addDownload(links.join('\n'), '/'), continueOnFail: true });

			const tasks = output[0].json.tasks as Array<{ url: string; status: string; code?: number; error?: string }>;
			expect(output[0].json.error).toMatch(/^75 of 150 links could not be added: /);
			expect(tasks.slice(0, 75).every((task) => task.status === 'queued')).toBe(true);
			expect(tasks.slice(75).every((task) => task.status === 'failed' && task.code === 40015)).toBe(true);
			expect(tasks.filter((task) => task.error?.endsWith('(not sent)'))).toHaveLength(74);
			expect(server.tasks.map((task) => task.url)).toEqual(links.slice(0, 75));
			// Halving 75 down to one link, then nothing more.
			expect(adds).toBeLessThan(12);
		});
	});

	test('a single link refused for the running-task limit is a clear error', async () => {
		await withServer({ version: '3.8.3', aria2BatchSize: 0 }, async ({ store }) => {
			const output = await runNode({ store, parameters: addDownload('http://a.example/1', '/'), continueOnFail: true });
			expect(output[0].json.error).toBe(
				'Too many URLs or running downloads for this account\'s user group (Cloudreve code 40015) [item 0]',
			);
		});
	});
});
