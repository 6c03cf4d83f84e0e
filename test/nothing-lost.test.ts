/**
 * Nothing lost, nothing doubled: 500 items with about 10% random faults (HTTP 5xx, HTML pages,
 * connection resets before and after the server acted, session expiries) under continue-on-fail.
 */
import { runNode } from './harness/n8n';
import { addDownload, rssItems, withServer } from './harness/scenario';

const KNOWN_FAILURES = [
	/^The server answered HTTP 502 Bad\u00a0Gateway at /,
	/^Got a web page instead of Cloudreve's API at /,
	/^The connection to 127\.0\.0\.1:\d+ was closed before the reply was complete/,
];

describe.each(['3.8.3', '4.0.0'])('500 items against a flaky Cloudreve %s', (version) => {
	test('give 500 paired outputs; every success was added exactly once; every failure says why', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const add = version === '3.8.3' ? '/api/v3/aria2/url' : '/api/v4/workflow/download';
			server.seed(20261128);
			server.faults = [
				{ path: add, probability: 0.03, action: { kind: 'status', status: 502 } },
				{ path: add, probability: 0.03, action: { kind: 'html' } },
				{ path: add, probability: 0.02, action: { kind: 'reset', afterHandling: true } },
				{ path: add, probability: 0.01, action: { kind: 'reset' } },
			];
			let expiries = 0;
			let requestsSeen = 0;
			server.onRequest = (request, fake) => {
				// Every 40th add request finds its session expired, as after a server restart.
				if (request.path === add && ++requestsSeen % 40 === 0) {
					fake.invalidateSessions();
					expiries++;
				}
			};
			const items = rssItems(500, 'http://flaky.example/item');

			// One request per item: each fault hits one item (test/batching.test.ts covers combined requests).
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Flaky', { batchSize: 1 }), items, continueOnFail: true });

			expect(output).toHaveLength(500);
			output.forEach((item, index) => expect(item.pairedItem).toEqual({ item: index }));

			const added = new Map<string, number>();
			for (const task of server.tasks) added.set(task.url, (added.get(task.url) ?? 0) + 1);
			expect([...added.values()].every((count) => count === 1)).toBe(true);

			const successes = output.filter((item) => item.json.error === undefined);
			const failures = output.filter((item) => item.json.error !== undefined);
			for (const item of successes) {
				const [task] = item.json.tasks as Array<{ url: string; status: string }>;
				expect(task.status).toBe('queued');
				expect(added.get(task.url)).toBe(1);
			}
			for (const item of failures) {
				const message = String(item.json.error);
				expect(KNOWN_FAILURES.some((pattern) => pattern.test(message)) ? message : `unexpected: ${message}`).toBe(message);
				expect(String(item.json.description)).toContain('The links may or may not have been added');
			}
			// About 10% failed; a failure never hid a success and vice versa.
			expect(failures.length).toBeGreaterThan(20);
			expect(failures.length).toBeLessThan(100);
			expect(successes.length + failures.length).toBe(500);
			// Items whose request failed before the server acted were not added; those reset after it were, once.
			const linkOf = (index: number) => String(items[index].json.link);
			const failedIndexes = output.flatMap((item, index) => (item.json.error === undefined ? [] : [index]));
			const addedButReported = failedIndexes.filter((index) => added.has(linkOf(index)));
			expect(server.tasks.length).toBe(successes.length + addedButReported.length);
			expect(addedButReported.length).toBeGreaterThan(0);
			// Each expiry cost exactly one login.
			expect(expiries).toBeGreaterThan(5);
			expect(server.stats.logins).toBe(1 + expiries);
		});
	});
});
