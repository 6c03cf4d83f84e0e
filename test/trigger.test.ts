/**
 * The Cloudreve Trigger through n8n-core's PollContext, per server era: the first poll records
 * where things stand and emits nothing; later polls emit what happened since, oldest first, each
 * once, also after a restart (static data saved and loaded again); a manual test run shows the
 * newest few without touching the state; a failed poll loses nothing; the state stays small
 * after 10,000 finished tasks. The fake server's clock is frozen and moved by hand.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { FakeCloudreve } from './fake-cloudreve/server';
import { tasksOf } from './fake-cloudreve/tasks';
import { pollTrigger, runNode } from './harness/n8n';
import type { Setup } from './harness/scenario';
import { VERSIONS, addDownload, failureOf, withServer } from './harness/scenario';

const finishedEvent = (options: Record<string, unknown> = {}) => ({ event: 'downloadFinished', options });
const fileEvent = (folder: string, options: Record<string, unknown> = {}) => ({ event: 'fileAdded', folder: { __rl: true, mode: 'path', value: folder }, options });

type Json = Record<string, unknown>;
const jsonOf = (result: INodeExecutionData[][] | null): Json[] => (result === null ? [] : result[0].map((item) => item.json as Json));

/** A poller whose static data lives as n8n keeps it: in memory, saved to the database on emits. */
function poller(setup: Setup, parameters: Record<string, unknown>) {
	let staticData: Record<string, unknown> = {};
	return {
		poll: async (mode: 'trigger' | 'manual' = 'trigger') => jsonOf(await pollTrigger({ store: setup.store, parameters, staticData, mode })),
		raw: async () => await pollTrigger({ store: setup.store, parameters, staticData }),
		/** What n8n would have in its database. */
		saved: () => JSON.stringify(staticData),
		/** n8n restarted: a fresh static data object, loaded from a saved copy. */
		restartFrom: (saved: string) => {
			staticData = JSON.parse(saved) as Record<string, unknown>;
		},
		get staticData() {
			return staticData;
		},
	};
}

/** Downloads added as another workflow would add them; their task ids. */
function add(setup: Setup, urls: string[], folder = '/In'): string[] {
	setup.server.addFolder(folder);
	return tasksOf(setup.server).add(urls, folder).map((task) => task.id);
}

function frozen(server: FakeCloudreve) {
	const lab = tasksOf(server);
	lab.stepMs = 1000;
	lab.freeze();
	return lab;
}

describe.each(VERSIONS)('Cloudreve Trigger on Cloudreve %s: Offline Download Finished', (version) => {
	const isV4 = version.startsWith('4');

	test('first poll emits nothing; the next emits each task that ended since, once, oldest first, with its files', async () => {
		await withServer({ version }, async (setup) => {
			const lab = frozen(setup.server);
			lab.durations.set('http://dl.example/slow.iso', 6);
			lab.failingDownloads.set('http://dl.example/broken.iso', 'No such file');
			const [old] = add(setup, ['http://dl.example/old.iso']);
			lab.advance(8);
			const trigger = poller(setup, finishedEvent());

			expect(await trigger.raw()).toBeNull();
			expect(trigger.staticData.downloads).toBeDefined();

			const ids = add(setup, ['http://dl.example/fast.iso', 'http://dl.example/broken.iso', 'http://dl.example/slow.iso']);
			lab.advance(6);
			const second = await trigger.poll();
			expect(second.map((task) => task.taskId)).toEqual([ids[1], ids[0]]);
			expect(second[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('No such file'), url: 'http://dl.example/broken.iso' });
			expect(second[1]).toMatchObject({ status: 'completed', files: [{ path: '/In/fast.iso', size: expect.any(Number) }], destination: '/In' });
			expect(second.some((task) => task.taskId === old)).toBe(false);

			expect(await trigger.poll()).toEqual([]);
			lab.advance(5);
			expect((await trigger.poll()).map((task) => task.taskId)).toEqual([ids[2]]);
			expect(await trigger.poll()).toEqual([]);
		});
	});

	test('no repeats after a restart of the poller state, and a task that ended while n8n was down fires once', async () => {
		await withServer({ version }, async (setup) => {
			const lab = frozen(setup.server);
			const trigger = poller(setup, finishedEvent());
			await trigger.poll();
			const [first] = add(setup, ['http://dl.example/a.iso']);
			lab.advance(6);
			expect((await trigger.poll()).map((task) => task.taskId)).toEqual([first]);
			// n8n saves static data with each emit; a later poll that emits nothing is not saved.
			const saved = trigger.saved();
			lab.durations.set('http://dl.example/b.iso', 10);
			const [second] = add(setup, ['http://dl.example/b.iso']);
			lab.advance(2);
			expect(await trigger.poll()).toEqual([]);

			// n8n is down while b finishes; it starts again from what it saved.
			lab.advance(20);
			trigger.restartFrom(saved);
			expect((await trigger.poll()).map((task) => task.taskId)).toEqual([second]);
			expect(await trigger.poll()).toEqual([]);
			trigger.restartFrom(saved);
			expect((await trigger.poll()).map((task) => task.taskId)).toEqual([second]);
			trigger.restartFrom(trigger.saved());
			expect(await trigger.poll()).toEqual([]);
		});
	});

	test('Statuses narrows what fires; canceled downloads fire as canceled', async () => {
		await withServer({ version }, async (setup) => {
			const lab = frozen(setup.server);
			lab.durations.set('http://dl.example/long.iso', 50);
			lab.failingDownloads.set('http://dl.example/bad.iso', 'Host not found');
			const onlyFailures = poller(setup, finishedEvent({ statuses: ['failed', 'canceled'] }));
			await onlyFailures.poll();
			const [ok, bad, long] = add(setup, ['http://dl.example/ok.iso', 'http://dl.example/bad.iso', 'http://dl.example/long.iso']);
			lab.advance(2);
			await runNode({ store: setup.store, parameters: { resource: 'offlineDownload', operation: 'cancel', taskId: long, options: {} } });
			lab.advance(6);

			const fired = await onlyFailures.poll();
			expect(fired.map((task) => [task.taskId, task.status])).toEqual([
				[bad, 'failed'],
				[long, 'canceled'],
			]);
			expect(fired.some((task) => task.taskId === ok)).toBe(false);
			expect(await onlyFailures.poll()).toEqual([]);
		});
	});

	test('a long download started before many others still fires when it ends, however deep it sits; 3.x transfers count as running', async () => {
		await withServer({ version }, async (setup) => {
			const lab = frozen(setup.server);
			lab.durations.set('http://dl.example/huge.iso', 30);
			const [huge] = add(setup, ['http://dl.example/huge.iso']);
			const trigger = poller(setup, finishedEvent());
			await trigger.poll();
			// 250 downloads start and end after it.
			lab.advance(1);
			lab.addFinished(250, { dst: isV4 ? 'cloudreve://my/In' : '/In', agoSteps: 5 });
			lab.advance(1);
			expect(await trigger.poll()).toHaveLength(250);
			// Downloaded, but the transfer into the drive is still running: not yet.
			lab.advance(29);
			expect(await trigger.poll()).toEqual([]);
			// 250 more end right after it, so both lists show them above it (3.x keeps a
			// download's update time from the start of its transfer).
			lab.advance(0.9);
			lab.addFinished(250, { dst: isV4 ? 'cloudreve://my/In' : '/In', agoSteps: 4.5, urlPrefix: 'http://bulk.example/late' });
			lab.advance(1.1);
			const fired = await trigger.poll();
			expect(fired).toHaveLength(251);
			const hugeTask = fired.find((task) => task.taskId === huge);
			expect(hugeTask).toMatchObject({ status: 'completed', files: [{ path: '/In/huge.iso', size: expect.any(Number) }] });
			expect(await trigger.poll()).toEqual([]);
		});
	});

	test('a manual test run shows the newest few without touching the state', async () => {
		await withServer({ version }, async (setup) => {
			const lab = frozen(setup.server);
			const trigger = poller(setup, finishedEvent());
			const empty = await failureOf(trigger.poll('manual'));
			expect(empty.message).toBe('No finished offline downloads yet');
			expect(trigger.staticData).toEqual({});

			lab.addFinished(8);
			lab.advance(1);
			const sample = await trigger.poll('manual');
			expect(sample).toHaveLength(5);
			expect(sample[0]).toMatchObject({ status: 'completed', taskId: expect.any(String), url: expect.stringMatching(/^http:\/\/bulk\.example\//) });
			expect(trigger.staticData).toEqual({});
			// The first active poll still starts from scratch.
			expect(await trigger.poll()).toEqual([]);
		});
	});

	test('a server error during a poll is thrown, and the next poll catches up without loss', async () => {
		await withServer({ version }, async (setup) => {
			const lab = frozen(setup.server);
			const trigger = poller(setup, finishedEvent());
			await trigger.poll();
			const ids = add(setup, ['http://dl.example/1.iso', 'http://dl.example/2.iso']);
			lab.advance(6);
			const saved = trigger.saved();
			setup.server.faults.push({ path: isV4 ? '/api/v4/workflow' : '/api/v3/aria2/finished', times: 3, action: { kind: 'status', status: 502 } });

			const error = await failureOf(trigger.poll());
			expect(error.message).toMatch(/^The server answered HTTP 502/);
			expect(error.constructor.name).toBe('NodeApiError');
			expect(trigger.saved()).toBe(saved);

			expect((await trigger.poll()).map((task) => task.taskId).sort()).toEqual([...ids].sort());
		});
	});

	test('the state stays bounded after 10,000 finished tasks, and each fired exactly once', async () => {
		await withServer({ version }, async (setup) => {
			const lab = frozen(setup.server);
			const trigger = poller(setup, finishedEvent());
			await trigger.poll();
			const fired = new Map<string, number>();
			for (let batch = 0; batch < 5; batch++) {
				lab.addFinished(2000, { urlPrefix: `http://bulk.example/b${batch}`, agoSteps: 5 });
				lab.advance(10);
				for (const task of await trigger.poll()) fired.set(String(task.taskId), (fired.get(String(task.taskId)) ?? 0) + 1);
				expect(trigger.saved().length).toBeLessThan(64 * 1024);
			}
			expect(fired.size).toBe(10_000);
			expect([...fired.values()].every((count) => count === 1)).toBe(true);
			expect(await trigger.poll()).toEqual([]);
			const state = trigger.staticData.downloads as { ids: unknown[]; active: unknown[] };
			expect(state.ids.length).toBeLessThanOrEqual(1000);
			expect(trigger.saved().length).toBeLessThan(64 * 1024);
		});
	}, 120_000);
});

describe.each(VERSIONS)('Cloudreve Trigger on Cloudreve %s: New File in Folder', (version) => {
	test('first poll emits nothing; new entries fire once each, oldest first, in the File resource shape', async () => {
		await withServer({ version }, async (setup) => {
			const { server } = setup;
			server.addFile('/Inbox/old.txt', 'old');
			const trigger = poller(setup, fileEvent('/Inbox'));
			expect(await trigger.raw()).toBeNull();

			await new Promise((resolve) => setTimeout(resolve, 5));
			server.addFile('/Inbox/a.txt', 'a');
			await new Promise((resolve) => setTimeout(resolve, 5));
			server.addFile('/Inbox/b.txt', 'bb');
			server.addFile('/Elsewhere/c.txt', 'c');
			const fired = await trigger.poll();
			expect(fired.map((entry) => entry.path)).toEqual(['/Inbox/a.txt', '/Inbox/b.txt']);
			expect(fired[1]).toMatchObject({ name: 'b.txt', type: 'file', size: 2, id: expect.any(String), createdAt: expect.stringMatching(/^\d{4}-/) });
			expect(await trigger.poll()).toEqual([]);
		});
	});

	test('Include Subfolders; a download finishing into the folder fires; no repeats after a restart', async () => {
		await withServer({ version }, async (setup) => {
			const { server } = setup;
			tasksOf(server).stepMs = 20;
			server.addFolder('/Media/Shows');
			const flat = poller(setup, fileEvent('/Media'));
			const deep = poller(setup, fileEvent('/Media', { includeSubfolders: true }));
			await flat.poll();
			await deep.poll();
			server.addFile('/Media/Shows/ep1.mkv', 'x');
			await runNode({ store: setup.store, parameters: addDownload('http://dl.example/movie.mkv', '/Media', { waitForCompletion: true }) });

			expect((await flat.poll()).map((entry) => entry.path)).toEqual(['/Media/movie.mkv']);
			const saved = deep.saved();
			expect((await deep.poll()).map((entry) => entry.path).sort()).toEqual(['/Media/Shows/ep1.mkv', '/Media/movie.mkv']);
			const afterEmit = deep.saved();
			deep.restartFrom(afterEmit);
			expect(await deep.poll()).toEqual([]);
			// A restart from before the emit replays what was not saved, once.
			deep.restartFrom(saved);
			expect((await deep.poll())).toHaveLength(2);
		});
	});

	test('a manual test run shows the newest entries without touching the state; 2,000 files keep the state bounded', async () => {
		await withServer({ version }, async (setup) => {
			const { server } = setup;
			const trigger = poller(setup, fileEvent('/Bulk'));
			server.addFolder('/Bulk');
			const empty = await failureOf(trigger.poll('manual'));
			expect(empty.message).toBe('The folder has no files or folders yet');
			await trigger.poll();
			for (let index = 0; index < 2000; index++) server.addFile(`/Bulk/f${index}.txt`, '');
			const sample = await trigger.poll('manual');
			expect(sample).toHaveLength(5);
			const fired = await trigger.poll();
			expect(new Set(fired.map((entry) => entry.path)).size).toBe(2000);
			expect(await trigger.poll()).toEqual([]);
			expect(trigger.saved().length).toBeLessThan(64 * 1024);
		});
	}, 60_000);
});
