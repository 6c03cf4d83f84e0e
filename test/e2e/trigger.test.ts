/**
 * The Cloudreve Trigger live in a real n8n 2.41.1 (`n8n start`, workflows published, not
 * `n8n execute`), against fake Cloudreve 3.8.3 and 4.0.0 servers at once:
 *
 * - the example "when a download finishes, move it into the library" fires once per download
 *   that another workflow (a Webhook → Add Offline Download) added, and moves its files;
 * - "New File in Folder" fires once per file uploaded into the folder;
 * - both within two poll intervals (n8n polls at most once a minute);
 * - n8n stops; a download ends and a file arrives while it is down; after the restart each fires
 *   once, and nothing that fired before fires again.
 *
 * Executions are read from n8n's SQLite database (execution_entity, execution_data) while n8n runs.
 */
import { execFileSync } from 'child_process';
import type { ChildProcess } from 'child_process';
import { join } from 'path';

import type { FakeCloudreve } from '../fake-cloudreve/server';
import { tasksOf } from '../fake-cloudreve/tasks';
import { NODE_TYPE, exampleWorkflow, freePortSync } from '../../scripts/n8n-runtime';
import { credentialFor, useRealN8n } from './helpers';

jest.setTimeout(12 * 60_000);

const TRIGGER_TYPE = 'n8n-nodes-cloudreve.cloudreveTrigger';
const VERSIONS = ['3.8.3', '4.0.0'] as const;
type Version = (typeof VERSIONS)[number];
const tag = (version: Version) => version.replace(/\./g, '');

/** n8n polls every minute at a random second: two intervals and the time a poll takes. */
const TWO_POLLS_MS = 2 * 60_000 + 15_000;

const n8n = useRealN8n(2, [...VERSIONS]);
let child: ChildProcess | undefined;
const log: string[] = [];

/** Webhook (POST {urls}) → Add Offline Download into /Incoming. */
function addWorkflow(version: Version) {
	const id = `addViaHook${tag(version)}`;
	return {
		id,
		name: `e2e add downloads ${version}`,
		nodes: [
			{
				id: `${id}-hook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `7a1c9e3b-0000-4d2f-8e6a-00000000${tag(version).padStart(4, '0')}`,
				parameters: { httpMethod: 'POST', path: `cloudreve-add-${tag(version)}`, responseMode: 'lastNode', options: {} },
			},
			{
				id: `${id}-add`,
				name: 'Add Offline Download',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'offlineDownload', operation: 'add', urls: '={{ $json.body.urls }}', destination: '/Incoming', options: {} },
				credentials: { cloudreveApi: { id: `cred${tag(version)}`, name: `Cloudreve cred${tag(version)}` } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Add Offline Download', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/** Cloudreve Trigger (New File in Folder /Uploads) → No Operation. */
function filesWorkflow(version: Version) {
	const id = `newFiles${tag(version)}`;
	return {
		id,
		name: `e2e new files ${version}`,
		nodes: [
			{
				id: `${id}-trigger`,
				name: 'New file',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, event: 'fileAdded', folder: { __rl: true, mode: 'path', value: '/Uploads' }, options: {} },
				credentials: { cloudreveApi: { id: `cred${tag(version)}`, name: `Cloudreve cred${tag(version)}` } },
			},
			{ id: `${id}-noop`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { 'New file': { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

const libraryId = (version: Version) => `library${tag(version)}`;

function libraryWorkflow(version: Version) {
	return { ...exampleWorkflow('download-finished-to-library.json', `cred${tag(version)}`), id: libraryId(version), name: `e2e library ${version}` };
}

/**
 * Rows of n8n's SQLite database, read with n8n's own sqlite3 module under n8n's Node.js (its
 * native add-on is built for that Node), read-only, while n8n runs.
 */
function query<T>(sql: string): T[] {
	const { install, userFolder } = n8n.home;
	const script = [
		`const sqlite3 = require(${JSON.stringify(join(install.dir, 'node_modules', 'sqlite3'))});`,
		'const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);',
		'db.all(process.argv[2], (error, rows) => { if (error) { console.error(error.message); process.exit(1); } process.stdout.write(JSON.stringify(rows)); db.close(); });',
	].join('\n');
	const out = execFileSync(join(install.nodeDir, 'bin', 'node'), ['-e', script, join(userFolder, '.n8n', 'database.sqlite'), sql], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	return JSON.parse(out) as T[];
}

/** The items the trigger node of `workflowId` emitted, one list per execution (n8n stores run data "flatted"). */
function triggerRuns(workflowId: string, triggerNode: string): Array<Array<Record<string, unknown>>> {
	const { parse } = require(join(n8n.home.install.dir, 'node_modules', 'flatted')) as { parse: (text: string) => any };
	const rows = query<{ id: number; data: string }>(
		`select e.id as id, d.data as data from execution_entity e join execution_data d on d.executionId = e.id where e.workflowId = '${workflowId}' and e.mode = 'trigger' order by e.id`,
	);
	return rows.map((row) => {
		const run = parse(row.data);
		const main = run?.resultData?.runData?.[triggerNode]?.[0]?.data?.main?.[0] ?? [];
		return main.map((item: { json: Record<string, unknown> }) => item.json);
	});
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (check()) return;
		await new Promise((resolve) => setTimeout(resolve, 2000));
	}
	throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}\n${log.slice(-40).join('\n')}`);
}

let port = 0;

async function startN8n(): Promise<void> {
	port = freePortSync();
	child = await n8n.home.start(port, (line) => log.push(line));
}

async function stopN8n(): Promise<void> {
	const running = child;
	child = undefined;
	if (!running || running.exitCode !== null) return;
	running.kill('SIGTERM');
	await new Promise((resolve) => {
		const timer = setTimeout(() => {
			running.kill('SIGKILL');
			resolve(undefined);
		}, 30_000);
		running.on('exit', () => {
			clearTimeout(timer);
			resolve(undefined);
		});
	});
}

async function addViaWebhook(version: Version, urls: string[]): Promise<Record<string, unknown>> {
	const response = await fetch(`http://127.0.0.1:${port}/webhook/cloudreve-add-${tag(version)}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ urls }),
	});
	expect(response.status).toBe(200);
	return (await response.json()) as Record<string, unknown>;
}

/** Every poll of a trigger lists /Uploads (fileAdded) or reads the active task list (downloadFinished). */
const polls = (server: FakeCloudreve, kind: 'files' | 'tasks') =>
	server.requests.filter((request) =>
		kind === 'tasks' ? /\/aria2\/downloading|\/workflow\?category=downloading/.test(request.path) : /directory%2FUploads|directory\/Uploads|uri=cloudreve%3A%2F%2Fmy%2FUploads/.test(request.path),
	).length;

const taskIdsFired = (version: Version) => triggerRuns(libraryId(version), 'Download finished').flat().map((task) => String(task.taskId));
const pathsFired = (version: Version) => triggerRuns(`newFiles${tag(version)}`, 'New file').flat().map((entry) => String(entry.path));

beforeAll(async () => {
	const { home, servers } = n8n;
	for (const version of VERSIONS) {
		const lab = tasksOf(servers[version]);
		lab.stepMs = 300;
		servers[version].addFolder('/Uploads');
	}
	await home.importCredentials(VERSIONS.map((version) => credentialFor(`cred${tag(version)}`, servers[version])));
	await home.importWorkflows(VERSIONS.flatMap((version) => [addWorkflow(version), libraryWorkflow(version), filesWorkflow(version)]));
	for (const version of VERSIONS) {
		for (const id of [`addViaHook${tag(version)}`, libraryId(version), `newFiles${tag(version)}`]) {
			const result = await home.run(['publish:workflow', `--id=${id}`]);
			if (result.code !== 0) throw new Error(`publish ${id} failed:\n${result.stdout}\n${result.stderr}`);
		}
	}
	await startN8n();
});

afterAll(async () => {
	await stopN8n();
});

describe('Cloudreve Trigger in a running n8n 2.41.1', () => {
	const added: Record<Version, string[]> = { '3.8.3': [], '4.0.0': [] };

	test('fires once per finished download another workflow added, and once per uploaded file, within two poll intervals', async () => {
		const { servers } = n8n;
		// Activation polls once at start: that first poll records where things stand.
		await waitFor('the first polls', () => VERSIONS.every((version) => polls(servers[version], 'tasks') >= 1 && polls(servers[version], 'files') >= 1), 60_000);
		const startedAt = Date.now();
		for (const version of VERSIONS) {
			for (const n of [1, 2, 3]) {
				const answer = await addViaWebhook(version, [`http://e2e.example/${tag(version)}/episode-${n}.mkv`]);
				const [task] = answer.tasks as Array<{ taskId: string; status: string }>;
				expect(task).toMatchObject({ status: 'queued', taskId: servers[version].tasks[n - 1].id });
				added[version].push(task.taskId);
			}
			servers[version].addFile('/Uploads/report-1.pdf', 'one');
			servers[version].addFile('/Uploads/report-2.pdf', 'two');
		}

		await waitFor(
			'every download and file to fire',
			() => VERSIONS.every((version) => taskIdsFired(version).length >= 3 && pathsFired(version).length >= 2),
			TWO_POLLS_MS,
		);
		expect(Date.now() - startedAt).toBeLessThan(TWO_POLLS_MS);
		for (const version of VERSIONS) {
			expect(taskIdsFired(version).sort()).toEqual([...added[version]].sort());
			expect(pathsFired(version).sort()).toEqual(['/Uploads/report-1.pdf', '/Uploads/report-2.pdf']);
			// The example moved each finished download into /Library.
			await waitFor(`the library on ${version}`, () => [1, 2, 3].every((n) => servers[version].entry(`/Library/episode-${n}.mkv`) !== undefined), 30_000);
			expect([1, 2, 3].map((n) => servers[version].entry(`/Incoming/episode-${n}.mkv`))).toEqual([undefined, undefined, undefined]);
		}
		const runs = query<{ status: string }>(`select status from execution_entity where workflowId like 'library%' and mode = 'trigger'`);
		expect(runs.every((run) => run.status === 'success')).toBe(true);
	});

	test('across a restart of n8n: what happened while it was down fires once, nothing fires twice', async () => {
		const { servers } = n8n;
		// A download that ends only after n8n has stopped.
		for (const version of VERSIONS) tasksOf(servers[version]).durations.set(`http://e2e.example/${tag(version)}/late.mkv`, 40);
		for (const version of VERSIONS) {
			const answer = await addViaWebhook(version, [`http://e2e.example/${tag(version)}/late.mkv`]);
			added[version].push((answer.tasks as Array<{ taskId: string }>)[0].taskId);
		}
		await stopN8n();
		for (const version of VERSIONS) servers[version].addFile('/Uploads/while-down.pdf', 'late');
		await waitFor('the late downloads to finish', () => VERSIONS.every((version) => servers[version].entry('/Incoming/late.mkv') !== undefined), 60_000);
		const pollsBefore = Object.fromEntries(VERSIONS.map((version) => [version, polls(servers[version], 'tasks')]));

		await startN8n();
		// The activation poll at start sees them.
		await waitFor('the late download and the new file to fire', () => VERSIONS.every((version) => taskIdsFired(version).length >= 4 && pathsFired(version).length >= 3), TWO_POLLS_MS);
		// One more poll on every trigger after that: nothing fires again.
		const pollsNow = Object.fromEntries(VERSIONS.map((version) => [version, polls(servers[version], 'tasks')]));
		await waitFor('another poll', () => VERSIONS.every((version) => polls(servers[version], 'tasks') >= pollsNow[version] + 1), TWO_POLLS_MS);
		await new Promise((resolve) => setTimeout(resolve, 5000));

		for (const version of VERSIONS) {
			expect(polls(servers[version], 'tasks')).toBeGreaterThanOrEqual(pollsBefore[version] + 2);
			expect(taskIdsFired(version).sort()).toEqual([...added[version]].sort());
			expect(pathsFired(version).sort()).toEqual(['/Uploads/report-1.pdf', '/Uploads/report-2.pdf', '/Uploads/while-down.pdf']);
			expect(servers[version].entry('/Library/late.mkv')).toMatchObject({ type: 'file' });
		}
	});
});
