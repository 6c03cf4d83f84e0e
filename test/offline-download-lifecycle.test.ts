/**
 * Offline downloads from start to finish, per server era, through the node's real execute():
 * wait for the end (completed with the files where they landed, failed with Cloudreve's error,
 * or a timeout that leaves them running), cancel, Get and Get Many past one page, Skip Links
 * Already Queued, and 3.x task ids found in the lists. The fake server runs the tasks on short
 * steps (tasksOf(server).stepMs), so nothing here sleeps for long.
 */
import type { FakeCloudreve } from './fake-cloudreve/server';
import { tasksOf } from './fake-cloudreve/tasks';
import { runNode } from './harness/n8n';
import { VERSIONS, addDownload, failureOf, withServer } from './harness/scenario';

const getMany = (status: string, extra: Record<string, unknown> = {}) => ({ resource: 'offlineDownload', operation: 'getMany', status, returnAll: false, limit: 50, options: {}, ...extra });
const getTask = (taskId: unknown) => ({ resource: 'offlineDownload', operation: 'get', taskId, options: {} });
const cancelTask = (taskId: unknown) => ({ resource: 'offlineDownload', operation: 'cancel', taskId, options: {} });

type TaskJson = Record<string, unknown> & { taskId: string | null; status: string; url: string; files?: Array<{ path: string; size: number }> };
const tasksOfItem = (json: Record<string, unknown>) => json.tasks as TaskJson[];

/** List requests (both generations) in the order they arrived, with when. */
function listRequestLog(server: FakeCloudreve): Array<{ path: string; at: number }> {
	const log: Array<{ path: string; at: number }> = [];
	server.onRequest = (request) => {
		const path = request.path.split('?')[0];
		if (/\/aria2\/(downloading|finished)$/.test(path) || (path.endsWith('/workflow') && request.method === 'GET')) log.push({ path: request.path, at: Date.now() });
	};
	return log;
}

describe.each(VERSIONS)('Offline downloads from start to finish on Cloudreve %s', (version) => {
	const isV4 = version.startsWith('4');
	const finishedList = isV4 ? /\/workflow\?category=downloaded/ : /\/aria2\/finished/;

	test('Wait for Completion: each task ends completed, with the drive paths of its files', async () => {
		await withServer({ version }, async ({ server, store }) => {
			tasksOf(server).stepMs = 40;
			const items = [{ json: { link: 'http://files.example/pub/ubuntu.iso' } }, { json: { link: 'https://files.example/电影/第1集.mkv' } }];
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Library/新', { waitForCompletion: true }), items });

			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			const [first] = tasksOfItem(output[0].json);
			const [second] = tasksOfItem(output[1].json);
			expect(first).toMatchObject({ url: 'http://files.example/pub/ubuntu.iso', status: 'completed', progress: 1, destination: '/Library/新', error: null, name: 'ubuntu.iso' });
			expect(first.files).toEqual([{ path: '/Library/新/ubuntu.iso', size: expect.any(Number) }]);
			expect(second.files).toEqual([{ path: '/Library/新/第1集.mkv', size: expect.any(Number) }]);
			expect([first.taskId, second.taskId]).toEqual(server.tasks.map((task) => task.id));
			expect(first.timedOut).toBeUndefined();
			for (const task of [first, second]) expect(server.entry(task.files![0].path)).toMatchObject({ type: 'file' });
			expect(first.size).toBe(first.files![0].size);
			expect(first.createdAt).toEqual(isV4 ? expect.stringMatching(/^\d{4}-/) : expect.any(String));
		});
	});

	test('a link whose download fails ends failed, with Cloudreve\'s error, and the item does not fail', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const lab = tasksOf(server);
			lab.stepMs = 40;
			lab.failingDownloads.set('http://files.example/missing.iso', 'Resource not found');
			const output = await runNode({ store, parameters: addDownload('http://files.example/missing.iso\nhttp://files.example/ok.iso', '/In', { waitForCompletion: true }) });

			const [failed, ok] = tasksOfItem(output[0].json);
			expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('Resource not found'), files: [] });
			expect(ok).toMatchObject({ status: 'completed', files: [{ path: '/In/ok.iso', size: expect.any(Number) }] });
			expect(output[0].json.error).toBeUndefined();
			expect(server.entry('/In/missing.iso')).toBeUndefined();
		});
	});

	test('Wait Timeout: tasks still running are output as last seen with timedOut, not as an error, and keep running', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const lab = tasksOf(server);
			lab.stepMs = 100;
			lab.durations.set('http://slow.example/huge.iso', 10_000);
			const started = Date.now();
			const output = await runNode({ store, parameters: addDownload('http://slow.example/huge.iso', '/Slow', { waitForCompletion: true, waitTimeout: 1.5 }) });
			const elapsed = Date.now() - started;

			const [task] = tasksOfItem(output[0].json);
			expect(task).toMatchObject({ status: 'downloading', timedOut: true, taskId: server.tasks[0].id });
			expect(task.progress).toBeGreaterThan(0);
			expect(task.progress).toBeLessThan(1);
			expect(elapsed).toBeGreaterThanOrEqual(1400);
			expect(elapsed).toBeLessThan(4000);
			// Still running in Cloudreve.
			const again = await runNode({ store, parameters: getTask(task.taskId) });
			expect(again[0].json).toMatchObject({ taskId: task.taskId, status: 'downloading' });
		});
	});

	test('Cancel stops a running download and outputs the task as it ended; ended, unknown and foreign ids are clear errors', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const lab = tasksOf(server);
			lab.stepMs = 100;
			lab.durations.set('http://slow.example/big.iso', 10_000);
			const added = await runNode({ store, parameters: addDownload('http://slow.example/big.iso', '/C') });
			const { taskId } = tasksOfItem(added[0].json)[0];
			expect(taskId).toBe(server.tasks[0].id);

			const canceled = await runNode({ store, parameters: cancelTask(taskId) });
			expect(canceled[0].json).toMatchObject({ taskId, status: 'canceled', url: 'http://slow.example/big.iso', destination: '/C' });
			// 4.x shows a cancel only on the task's next monitor pass (wave2 §10): the node says so.
			if (isV4) expect(canceled[0].json.note).toContain('accepted the cancel');
			else expect(canceled[0].json.note).toBeUndefined();
			expect(server.requestsTo(isV4 ? `/workflow/download/${taskId}` : `/aria2/task/${taskId}`, 'DELETE')).toHaveLength(1);

			lab.advance(2);
			const later = await runNode({ store, parameters: getTask(taskId) });
			expect(later[0].json).toMatchObject({ taskId, status: 'canceled' });

			const ended = await failureOf(runNode({ store, parameters: cancelTask(taskId) }));
			expect(ended.message).toBe(`The offline download "${taskId}" (${isV4 ? 'big.iso' : 'big.iso'}) already ended (canceled); there is nothing to cancel [item 0]`);
			// Nothing was sent for the ended task: 3.x would have deleted its record.
			expect(server.requestsTo(isV4 ? `/workflow/download/${taskId}` : `/aria2/task/${taskId}`, 'DELETE')).toHaveLength(1);

			const unknownId = isV4 ? 'zzZ9' : '0123456789abcdef';
			const unknown = await failureOf(runNode({ store, parameters: cancelTask(unknownId) }));
			expect(unknown.message).toBe(`No offline download with the id "${unknownId}" on this Cloudreve server [item 0]`);

			const foreign = await failureOf(runNode({ store, parameters: getTask(isV4 ? '66aa3a1e63a32298' : 'lkT2') }));
			expect(foreign.message).toMatch(isV4 ? /^"66aa3a1e63a32298" looks like a Cloudreve 3\.x task id.* \[item 0\]$/ : /^"lkT2" looks like a Cloudreve 4\.x task id.* \[item 0\]$/);
			const empty = await failureOf(runNode({ store, parameters: getTask('  ') }));
			expect(empty.message).toBe('Invalid Task ID: it is empty [item 0]');
		});
	});

	test('Get Many pages past one page of the server; Active, Finished and All', async () => {
		await withServer({ version }, async ({ server, store }) => {
			const lab = tasksOf(server);
			lab.addFinished(125, { dst: isV4 ? 'cloudreve://my' : '/' });
			lab.stepMs = 100;
			lab.durations.set('http://slow.example/a.iso', 10_000);
			lab.durations.set('http://slow.example/b.iso', 10_000);
			await runNode({ store, parameters: addDownload('http://slow.example/a.iso\nhttp://slow.example/b.iso', '/') });
			const log = listRequestLog(server);

			const finished = await runNode({ store, parameters: getMany('finished', { returnAll: true }) });
			expect(finished).toHaveLength(125);
			expect(new Set(finished.map((item) => item.json.taskId)).size).toBe(125);
			expect(finished.every((item) => item.json.status === 'completed')).toBe(true);
			// 3.x: 10 per page (13 pages); 4.x: 100 per page (2 pages).
			expect(log.filter((entry) => finishedList.test(entry.path))).toHaveLength(isV4 ? 2 : 13);

			const limited = await runNode({ store, parameters: getMany('finished', { limit: 15 }) });
			expect(limited).toHaveLength(15);

			const active = await runNode({ store, parameters: getMany('active') });
			expect(active.map((item) => item.json.url).sort()).toEqual(['http://slow.example/a.iso', 'http://slow.example/b.iso']);

			const all = await runNode({ store, parameters: getMany('all', { limit: 12 }) });
			expect(all).toHaveLength(12);
			expect(all.slice(0, 2).map((item) => item.json.status)).toEqual([expect.stringMatching(/queued|downloading/), expect.stringMatching(/queued|downloading/)]);
			expect(all.slice(2).every((item) => item.json.status === 'completed')).toBe(true);
			expect(all.map((item) => item.pairedItem)).toEqual(Array(12).fill({ item: 0 }));
		});
	});

	test('Skip Links Already Queued: a repeated 3-item input sends nothing the second time and outputs the tasks, skipped', async () => {
		await withServer({ version }, async ({ server, store }) => {
			tasksOf(server).stepMs = 100;
			const items = [1, 2, 3].map((n) => ({ json: { link: `http://feed.example/${n}.torrent` } }));
			const parameters = addDownload('={{ $json.link }}', '/Feed', { skipQueued: true });
			const first = await runNode({ store, parameters, items });
			expect(server.tasks).toHaveLength(3);
			const firstIds = first.map((item) => tasksOfItem(item.json)[0].taskId);
			expect(firstIds).toEqual(server.tasks.map((task) => task.id));
			expect(first.every((item) => tasksOfItem(item.json)[0].skipped === undefined)).toBe(true);
			// One still downloading, two done.
			tasksOf(server).durations.set('http://feed.example/2.torrent', 1000);
			tasksOf(server).advance(6);
			const adds = server.requestsTo(isV4 ? '/workflow/download' : '/aria2/url').length;

			const second = await runNode({ store, parameters, items });

			expect(server.requestsTo(isV4 ? '/workflow/download' : '/aria2/url')).toHaveLength(adds);
			expect(server.tasks).toHaveLength(3);
			expect(second.map((item) => tasksOfItem(item.json))).toEqual(
				[1, 2, 3].map((n, index) => [
					expect.objectContaining({ skipped: true, taskId: firstIds[index], url: `http://feed.example/${n}.torrent`, destination: '/Feed', status: expect.stringMatching(/completed|downloading/) }),
				]),
			);
		});
	});

	test('Skip Links Already Queued sends a link again whose earlier download failed', async () => {
		await withServer({ version }, async ({ server, store }) => {
			tasksOf(server).stepMs = 40;
			tasksOf(server).failingDownloads.set('http://feed.example/bad.torrent', 'Bad torrent');
			const parameters = addDownload('http://feed.example/bad.torrent', '/Feed', { skipQueued: true, waitForCompletion: true });
			const first = await runNode({ store, parameters });
			expect(tasksOfItem(first[0].json)[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('Bad torrent') });
			tasksOf(server).failingDownloads.clear();

			const second = await runNode({ store, parameters });
			expect(tasksOfItem(second[0].json)[0]).toMatchObject({ status: 'completed' });
			expect(tasksOfItem(second[0].json)[0].skipped).toBeUndefined();
			expect(server.tasks).toHaveLength(2);
		});
	});

	test('Skip Links Already Queued reads the task lists once per execution, and a link twice in one execution is sent once', async () => {
		await withServer({ version }, async ({ server, store }) => {
			tasksOf(server).stepMs = 100;
			const log = listRequestLog(server);
			const items = ['a', 'b', 'a', 'c', 'b'].map((name) => ({ json: { link: `http://dup.example/${name}.iso` } }));
			const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Dup', { skipQueued: true }), items });

			expect(server.tasks.map((task) => task.url)).toEqual(['a', 'b', 'c'].map((name) => `http://dup.example/${name}.iso`));
			const tasks = output.map((item) => tasksOfItem(item.json)[0]);
			expect(tasks.map((task) => task.skipped ?? false)).toEqual([false, false, true, false, true]);
			expect(tasks[2].taskId).toBe(tasks[0].taskId);
			expect(tasks[4].taskId).toBe(tasks[1].taskId);
			// The snapshot: the active list and the finished list (3.x whole, 4.x one page here), once.
			const snapshotReads = log.filter((entry) => entry.path.endsWith('/aria2/finished') || /category=downloaded&page_size=100$/.test(entry.path));
			expect(snapshotReads).toHaveLength(1);
		});
	});

	test('waiting makes at most one list request per poll, however many items and tasks', async () => {
		const run = async (count: number) =>
			await withServer({ version }, async ({ server, store }) => {
				tasksOf(server).stepMs = 150;
				const log = listRequestLog(server);
				const items = Array.from({ length: count }, (_, index) => ({ json: { links: [`http://many.example/${index}-a.iso`, `http://many.example/${index}-b.iso`] } }));
				const output = await runNode({ store, parameters: addDownload('={{ $json.links }}', '/Many', { waitForCompletion: true }), items });
				expect(output.flatMap((item) => tasksOfItem(item.json).map((task) => task.status))).toEqual(Array(count * 2).fill('completed'));
				return log;
			});
		const single = await run(1);
		const many = await run(6);
		// Polls are spaced by the backoff (the first pause is 500 ms): never two requests in one poll.
		for (let index = 1; index < many.length; index++) expect(many[index].at - many[index - 1].at).toBeGreaterThanOrEqual(400);
		expect(many.length).toBeLessThanOrEqual(single.length + 2);
		expect(many.length).toBeLessThan(12);
	});

	if (!isV4) {
		test('3.x: the gid of each new task is found by link and destination, after Cloudreve first polls aria2', async () => {
			await withServer({ version }, async ({ server, store }) => {
				// The link shows in the lists only after the first step (Cloudreve's first aria2 poll).
				tasksOf(server).stepMs = 1200;
				const log = listRequestLog(server);
				const items = [1, 2, 3].map((n) => ({ json: { link: `http://gid.example/${n}.bin` } }));
				const output = await runNode({ store, parameters: addDownload('={{ $json.link }}', '/Gid'), items });

				expect(output.map((item) => tasksOfItem(item.json)[0])).toEqual(
					server.tasks.map((task) => ({ url: task.url, status: 'queued', taskId: task.id })),
				);
				expect(server.tasks.every((task) => /^[0-9a-f]{16}$/.test(task.id))).toBe(true);
				// The first reads found no links yet: the look-up was repeated.
				expect(log.filter((entry) => entry.path.endsWith('/aria2/downloading')).length).toBeGreaterThanOrEqual(2);
			});
		});

		test('3.x: where an older task has the same link and destination, the task says so instead of guessing', async () => {
			await withServer({ version }, async ({ server, store }) => {
				tasksOf(server).stepMs = 40;
				await runNode({ store, parameters: addDownload('http://again.example/x.iso', '/Again') });
				const output = await runNode({ store, parameters: addDownload('http://again.example/x.iso', '/Again') });

				const [task] = tasksOfItem(output[0].json);
				expect(task).toMatchObject({ url: 'http://again.example/x.iso', status: 'queued', taskId: null });
				expect(task.note).toContain('2 tasks in its lists have this link and destination');
				expect(task.note).toContain(server.tasks[1].id);
			});
		});
	}
});
