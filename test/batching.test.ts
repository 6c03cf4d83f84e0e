/**
 * Items per Request: items with the same destination share add requests on the versions that take
 * a list of links (3.5.3+, 4.x); each item still gets exactly its own links' results, paired.
 */
import { runNode } from './harness/n8n';
import { addDownload, failureOf, withServer } from './harness/scenario';

const addPath = (version: string) => (version.startsWith('4') ? '/workflow/download' : '/aria2/url');
const linksOf = (body: unknown): string[] => {
	const record = body as { url?: string | string[]; src?: string[] };
	return ([] as string[]).concat(record.src ?? record.url ?? []);
};

describe.each(['3.5.3', '3.8.3', '4.0.0'])('Items per Request on Cloudreve %s', (version) => {
	test('1,000 items over 3 destinations make 21 add requests; every item gets its own result, paired', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const destinations = ['/A', '/B', '/C'];
			const items = Array.from({ length: 1000 }, (_, index) => ({ json: { link: `http://bulk.example/${index}.torrent`, folder: destinations[index % 3] } }));
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '={{ $json.folder }}'), items });

			expect(output).toHaveLength(1000);
			output.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json).toMatchObject({ destination: destinations[index % 3], tasks: [{ url: `http://bulk.example/${index}.torrent`, status: 'queued' }] });
			});
			const adds = server.requestsTo(addPath(version), 'POST');
			// 334 + 333 + 333 items, 50 a request: 7 requests per destination.
			expect(adds).toHaveLength(21);
			expect(Math.max(...adds.map((request) => linksOf(request.body).length))).toBe(50);
			expect(server.tasks).toHaveLength(1000);
			expect(new Set(server.tasks.map((task) => task.url)).size).toBe(1000);
			expect(server.tasks.filter((task) => task.url === 'http://bulk.example/4.torrent').map((task) => task.dst)).toEqual([version.startsWith('4') ? 'cloudreve://my/B' : '/B']);
			// Each item's task id is the task of its own link.
			const idOf = new Map(server.tasks.map((task) => [task.url, task.id]));
			expect(output.map((item) => (item.json.tasks as Array<{ taskId: string }>)[0].taskId)).toEqual(items.map((item) => idOf.get(item.json.link)));
		});
	});

	test('a reset after one combined request was handled marks exactly its items "may or may not have been added"; the others succeed', async () => {
		await withServer({ version }, async ({ server, store }) => {
			let adds = 0;
			server.onRequest = (request, fake) => {
				if (request.method === 'POST' && request.path.split('?')[0].endsWith(addPath(version)) && ++adds === 2) {
					fake.faults.push({ path: addPath(version), times: 1, action: { kind: 'reset', afterHandling: true } });
				}
			};
			const items = Array.from({ length: 120 }, (_, index) => ({ json: { link: `http://reset.example/${index}.iso` } }));
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Reset'), items, continueOnFail: true });

			expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, index) => ({ item: index })));
			const failed = output.flatMap((item, index) => (item.json.error === undefined ? [] : [index]));
			expect(failed).toEqual(Array.from({ length: 50 }, (_, n) => 50 + n));
			for (const index of failed) {
				expect(String(output[index].json.error)).toMatch(/closed before the reply was complete.*\[item \d+\]$/);
				expect(String(output[index].json.description)).toContain('The links may or may not have been added');
			}
			expect(output[0].json).toMatchObject({ tasks: [{ url: 'http://reset.example/0.iso', status: 'queued' }] });
			expect(output[119].json).toMatchObject({ tasks: [{ url: 'http://reset.example/119.iso', status: 'queued' }] });
			// Not sent twice: the server took each of the 120 links once (the reset request too).
			expect(server.requestsTo(addPath(version), 'POST')).toHaveLength(3);
			expect(server.tasks).toHaveLength(120);
		});
	});

	test('more links than the user group takes per request: the combined request is split, each link added once', async () => {
		await withServer({ version, aria2BatchSize: 30 }, async ({ server, store }) => {
			const items = Array.from({ length: 50 }, (_, index) => ({ json: { link: `http://split.example/${index}.iso` } }));
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Split'), items });
			expect(output.every((item) => item.json.error === undefined)).toBe(true);
			expect(server.tasks.map((task) => task.url).sort()).toEqual(items.map((item) => item.json.link).sort());
			expect(Math.max(...server.requestsTo(addPath(version), 'POST').map((request) => linksOf(request.body).length))).toBeLessThanOrEqual(50);
		});
	});

	test('two items with the same link in one combined request each get their own task', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const items = [{ json: { link: 'http://twice.example/a.iso' } }, { json: { link: 'http://twice.example/a.iso' } }];
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Twice'), items });
			const ids = output.map((item) => (item.json.tasks as Array<{ taskId: string | null }>)[0].taskId);
			expect(server.tasks).toHaveLength(2);
			if (version.startsWith('4')) expect(ids.sort()).toEqual(server.tasks.map((task) => task.id).sort());
			// 3.x cannot tell two tasks of the same link apart: it says so instead of guessing.
			else expect(output.map((item) => (item.json.tasks as Array<{ note?: string }>)[0].note)).toEqual([expect.any(String), expect.any(String)]);
		});
	});

	test('Items per Request 1 sends every item on its own', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const items = Array.from({ length: 4 }, (_, index) => ({ json: { link: `http://one.example/${index}.iso` } }));
			await runNode({ store, parameters: addDownload('={{ $json.link }}', '/One', { batchSize: 1 }), items });
			expect(server.requestsTo(addPath(version), 'POST').map((request) => linksOf(request.body))).toEqual(items.map((item) => [item.json.link]));
		});
	});

	test('without continue-on-fail, a refused combined request stops the execution and nothing after it is sent', async () => {
		await withServer({ version }, async ({ server, store }) => {
			server.faults.push({ path: addPath(version), times: 1, action: { kind: 'json', body: { code: 40007, msg: '' } } });
			const items = Array.from({ length: 60 }, (_, index) => ({ json: { link: `http://stop.example/${index}.iso`, folder: index < 30 ? '/First' : '/Second' } }));
			const error = await failureOf(runNode({ store, parameters: addDownload('={{ $json.link }}', '={{ $json.folder }}'), items }));
			expect(error.message).toMatch(/may not use offline download \(Cloudreve code 40007\) \[item 0\]$/);
			expect(server.requestsTo(addPath(version), 'POST')).toHaveLength(1);
			expect(server.tasks).toHaveLength(0);
		});
	});
});

describe.each(['3.4.3', '3.5.2'])('Cloudreve %s takes one link per request', (version) => {
	test('ten items still make ten requests with one link each', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const items = Array.from({ length: 10 }, (_, index) => ({ json: { link: `http://old.example/${index}.iso` } }));
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Old'), items });
			expect(output.map((item) => (item.json.tasks as Array<{ url: string }>)[0].url)).toEqual(items.map((item) => item.json.link));
			expect(server.requestsTo('/aria2/url', 'POST').map((request) => (request.body as { url: unknown }).url)).toEqual(items.map((item) => item.json.link));
		});
	});
});
