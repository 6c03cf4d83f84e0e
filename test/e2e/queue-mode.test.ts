/**
 * End to end in a real n8n 2.41.1 in queue mode (scripts/queue-mode.ts): Redis, PostgreSQL 17,
 * one main and two workers, the packed tarball in each user folder. A published Webhook → Add
 * Offline Download workflow gets 200 POSTs, 20 at a time, while the fake Cloudreve forgets every
 * session half-way through: each link lands exactly once, both workers take part, and the
 * re-logins stay few.
 */
import { randomUUID } from 'crypto';
import { request as httpRequest } from 'http';

import { FakeCloudreve } from '../fake-cloudreve/server';
import { NODE_TYPE, ensureN8n } from '../../scripts/n8n-runtime';
import { QueueModeStack } from '../../scripts/queue-mode';
import { credentialFor } from './helpers';

jest.setTimeout(15 * 60_000);

const VERSIONS = ['3.8.3', '4.0.0'];
const WORKERS = 2;
const REQUESTS = 200;
const PARALLEL = 20;
/** Completed requests after which the server forgets every session (both workers busy then). */
const INVALIDATE_AFTER = 80;
const INVALIDATIONS = 1;

const tag = (version: string) => version.replace(/\./g, '');
const credentialId = (version: string) => `queueCred${tag(version)}`;
const workflowId = (version: string) => `queueHook${tag(version)}`;
const webhookPath = (version: string) => `cloudreve-queue-${tag(version)}`;

/** Webhook (POST, answers when the last node finished) → Add Offline Download of `body.url` to /Queue. */
function webhookWorkflow(version: string) {
	const credential = credentialId(version);
	return {
		id: workflowId(version),
		name: `Queue mode ${version}`,
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: webhookPath(version), responseMode: 'lastNode', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Add Offline Download',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'offlineDownload', operation: 'add', urls: '={{ $json.body.url }}', destination: '/Queue', options: {} },
				credentials: { cloudreveApi: { id: credential, name: `Cloudreve ${credential}` } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Add Offline Download', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

interface Answer {
	url: string;
	status: number;
	body: string;
}

/** One POST with a JSON body on a connection of its own (no keep-alive socket outlives the test). */
async function postJson(endpoint: string, body: unknown, timeoutMs: number): Promise<{ status: number; body: string }> {
	return await new Promise((resolve) => {
		const payload = JSON.stringify(body);
		const request = httpRequest(endpoint, { method: 'POST', agent: false, timeout: timeoutMs, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (response) => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (text += chunk));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
			response.on('error', (error) => resolve({ status: 0, body: error.message }));
		});
		request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		request.on('error', (error) => resolve({ status: 0, body: error.message }));
		request.end(payload);
	});
}

/** POSTs `{ url }` for every url, `parallel` at a time; `onCompleted(n)` after the n-th answer. */
async function postAll(endpoint: string, urls: string[], parallel: number, onCompleted: (completed: number) => void): Promise<Answer[]> {
	const answers: Answer[] = [];
	let next = 0;
	const lane = async () => {
		while (next < urls.length) {
			const url = urls[next++];
			answers.push({ url, ...(await postJson(endpoint, { url }, ANSWER_TIMEOUT_MS)) });
			onCompleted(answers.length);
		}
	};
	await Promise.all(Array.from({ length: parallel }, lane));
	return answers;
}

/**
 * A webhook answer comes back through the main process (the worker reports through Redis). Now and
 * then (seen in 2 of about 10 full runs, never twice in one) n8n 2.41.1 loses one such answer
 * although the execution succeeded: such a call is judged by its execution record and the server.
 */
const ANSWER_TIMEOUT_MS = 60_000;

let stack: QueueModeStack | undefined;
const servers: Record<string, FakeCloudreve> = {};
const say = (message: string) => process.stderr.write(`[queue-mode] ${message}\n`);

beforeAll(async () => {
	const began = Date.now();
	const install = ensureN8n(2);
	for (const version of VERSIONS) {
		servers[version] = new FakeCloudreve({ version, lifetimeMs: 30 * 60_000 });
		await servers[version].start();
	}
	stack = new QueueModeStack({ install, workers: WORKERS, concurrency: 10, progress: say });
	await stack.prepare();
	await stack.main.importCredentials(VERSIONS.map((version) => credentialFor(credentialId(version), servers[version])));
	await stack.main.importWorkflows(VERSIONS.map(webhookWorkflow));
	for (const version of VERSIONS) await stack.publish(workflowId(version));
	await stack.start();
	for (const version of VERSIONS) await stack.waitForWebhook(webhookPath(version));
	say(`stack up in ${Math.round((Date.now() - began) / 1000)} s`);
});

afterAll(async () => {
	await stack?.stop();
	await Promise.all(Object.values(servers).map(async (server) => await server.stop()));
});

describe('the Cloudreve node in n8n 2.41.1 queue mode (main + 2 workers, Redis, PostgreSQL)', () => {
	test.each(VERSIONS)(
		`Cloudreve %s: ${REQUESTS} webhook calls, ${PARALLEL} at a time, sessions forgotten after ${INVALIDATE_AFTER}: each link queued once, few logins`,
		async (version) => {
			const queue = stack!;
			const server = servers[version];
			const urls = Array.from({ length: REQUESTS }, (_, index) => `http://queue.example/item-${index + 1}.torrent`);
			const startedBefore = queue.workerNames.map((name) => queue.count(name, 'Worker started execution'));
			let loginsBeforeInvalidation = -1;
			const began = Date.now();

			const answers = await postAll(queue.webhookUrl(webhookPath(version)), urls, PARALLEL, (completed) => {
				if (completed === INVALIDATE_AFTER) {
					loginsBeforeInvalidation = server.stats.logins;
					server.invalidateSessions();
				}
			});
			const answered = Date.now();

			// The webhook answers when the execution finished; still, wait until n8n's database has no
			// execution left to run (one whose answer was lost may still be running).
			const deadline = Date.now() + 2 * 60_000;
			let statuses = await queue.executionStatuses(workflowId(version));
			const pending = () => (statuses.new ?? 0) + (statuses.running ?? 0) + (statuses.waiting ?? 0);
			while (pending() > 0 && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 1000));
				statuses = await queue.executionStatuses(workflowId(version));
			}
			const startedPerWorker = queue.workerNames.map((name, index) => queue.count(name, 'Worker started execution') - startedBefore[index]);
			say(
				`Cloudreve ${version}: ${REQUESTS} answers in ${((answered - began) / 1000).toFixed(1)} s, all finished after ${((Date.now() - began) / 1000).toFixed(1)} s; ` +
					`executions ${JSON.stringify(statuses)}; per worker ${JSON.stringify(startedPerWorker)}; tasks ${server.tasks.length}; ` +
					`logins ${server.stats.logins} (${loginsBeforeInvalidation} before the invalidation), login attempts ${server.stats.loginAttempts}, probes ${server.stats.probes}`,
			);

			const lost = answers.filter((answer) => answer.status === 0 && answer.body.startsWith('no answer within'));
			const failed = answers.filter((answer) => answer.status !== 200 && !lost.includes(answer));
			if (lost.length > 0) say(`Cloudreve ${version}: ${lost.length} answer(s) lost by n8n's webhook relay: ${lost.map((answer) => answer.url).join(', ')}`);
			expect(failed.slice(0, 5)).toEqual([]);
			expect(lost.length).toBeLessThanOrEqual(2);
			// No execution took long: a lost answer is the relay's, not a node that hung.
			const longest = await queue.longestExecutionMs(workflowId(version));
			say(`Cloudreve ${version}: longest execution ${Math.round(longest)} ms`);
			expect(longest).toBeLessThan(ANSWER_TIMEOUT_MS / 2);
			for (const answer of answers.filter((candidate) => candidate.status === 200)) {
				expect(JSON.parse(answer.body)).toMatchObject({ destination: '/Queue', tasks: [expect.objectContaining({ url: answer.url, status: 'queued' })] });
			}
			expect(statuses).toEqual({ success: REQUESTS });
			expect(server.tasks.map((task) => task.url).sort()).toEqual([...urls].sort());
			expect(new Set(server.tasks.map((task) => task.dst))).toEqual(new Set([version.startsWith('4') ? 'cloudreve://my/Queue' : '/Queue']));
			for (const name of queue.workerNames) expect(queue.log(name)).toContain('Worker started execution');
			expect(startedPerWorker.every((count) => count > 0)).toBe(true);
			expect(startedPerWorker.reduce((sum, count) => sum + count, 0)).toBe(REQUESTS);
			// Each worker process logs in once at the start; after the server forgot the sessions, one
			// new login, and at most one more from a worker racing it. Executions running side by side
			// in one process must share a login instead of logging in each.
			say(`Cloudreve ${version}: observed logins ${server.stats.logins}, allowed ${WORKERS + INVALIDATIONS + 1}`);
			expect(server.stats.logins).toBeLessThanOrEqual(WORKERS + INVALIDATIONS + 1);
		},
	);
});
