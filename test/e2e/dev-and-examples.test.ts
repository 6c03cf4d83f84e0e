/**
 * The README's main job, `npm run dev`, as a newcomer meets it: n8n up with the Cloudreve node,
 * the sandbox and the example workflows; the demo workflow run the way the editor runs it; the
 * RSS Feed Trigger and Webhook examples live, published, against the sandbox.
 */
import { createServer } from 'net';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import { DEMO_WORKFLOW_ID, OWNER, SANDBOX_CREDENTIAL_ID, startDev } from '../../scripts/dev';
import type { DevSession } from '../../scripts/dev';

jest.setTimeout(15 * 60_000);

async function freePort(): Promise<number> {
	return await new Promise((resolve) => {
		const probe = createServer();
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
	});
}

let dev: DevSession;
const devLog: string[] = [];
const n8nLog: string[] = [];
let cookie = '';
const BROWSER = { 'browser-id': 'e2e-browser' };

async function rest(path: string, init: RequestInit = {}): Promise<any> {
	const response = await fetch(`${dev.n8nUrl}${path}`, {
		...init,
		headers: { 'content-type': 'application/json', ...BROWSER, cookie, ...(init.headers ?? {}) },
	});
	const setCookie = response.headers.get('set-cookie');
	if (setCookie) cookie = setCookie.split(';')[0];
	const text = await response.text();
	return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
}

beforeAll(async () => {
	dev = await startDev({
		n8nLine: 2,
		port: await freePort(),
		sandboxPort: await freePort(),
		sandboxVersion: '3.8.3',
		userFolder: mkdtempSync(join(tmpdir(), 'n8n-cloudreve-dev-')),
		publish: ['cloudreveRss00001', 'cloudreveHook0001'],
		log: (line) => devLog.push(line),
		n8nLog: (line) => n8nLog.push(line),
	});
	await rest('/rest/login', { method: 'POST', body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }) });
});

afterAll(async () => {
	await dev?.stop();
	if (dev) rmSync(dev.home.userFolder, { recursive: true, force: true });
});

describe('npm run dev', () => {
	test('prints its steps and brings up n8n with the Cloudreve node and the example workflows', async () => {
		expect(devLog.filter((line) => /^\[\d\/5\]/.test(line))).toHaveLength(5);
		const nodes: Array<{ name: string }> = await rest('/types/nodes.json');
		expect(nodes.map((node) => node.name)).toContain('n8n-nodes-cloudreve.cloudreve');
		const workflows = await rest('/rest/workflows');
		expect(workflows.data.map((workflow: { id: string }) => workflow.id).sort()).toEqual(['cloudreveDemo0001', 'cloudreveFiles001', 'cloudreveHook0001', 'cloudreveLibrary1', 'cloudreveRss00001', 'cloudreveShare001']);
	});

	test('the demo workflow, run as the editor runs it, succeeds against the sandbox', async () => {
		const started = await rest(`/rest/workflows/${DEMO_WORKFLOW_ID}/run`, {
			method: 'POST',
			body: JSON.stringify({ triggerToStartFrom: { name: "When clicking 'Execute workflow'" } }),
		});
		const executionId = started.data.executionId;
		expect(executionId).toEqual(expect.any(String));
		let execution: { status: string; finished: boolean } | undefined;
		for (let attempt = 0; attempt < 60; attempt++) {
			execution = (await rest(`/rest/executions/${executionId}`)).data;
			if (execution && execution.status !== 'running' && execution.status !== 'new') break;
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
		expect(execution?.status).toBe('success');
		const sandbox = dev.sandbox!;
		expect(sandbox.folders()).toContain('/RSS/Demo Anime');
		expect(sandbox.tasks.filter((task) => task.dst === '/RSS/Demo Anime').map((task) => task.url)).toEqual(
			[1, 2, 3].map((n) => `https://downloads.example.com/demo-anime/episode-${n}.torrent`),
		);
	});

	test('the Webhook example adds the posted link and answers with the task', async () => {
		const response = await fetch(`${dev.n8nUrl}/webhook/cloudreve-download`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ url: 'http://hook.example/file.iso', folder: '/Hooks' }),
		});
		expect(response.status).toBe(200);
		const task = dev.sandbox!.tasks.find((candidate) => candidate.url === 'http://hook.example/file.iso' && candidate.dst === '/Hooks');
		expect(task).toBeDefined();
		// 3.x answers without a task id: the node found the gid in the task lists.
		expect(await response.json()).toEqual({ destination: '/Hooks', tasks: [{ url: 'http://hook.example/file.iso', status: 'queued', taskId: task?.id }] });
	});

	test('the RSS Feed Trigger example picks up the feed and adds every new item', async () => {
		const sandbox = dev.sandbox!;
		const expected = [1, 2, 3].map((n) => `https://downloads.example.com/demo-feed/episode-${n}.torrent`);
		// The trigger polls every minute.
		for (let waited = 0; waited < 150_000; waited += 2000) {
			if (expected.every((url) => sandbox.tasks.some((task) => task.url === url))) break;
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
		expect(sandbox.tasks.filter((task) => task.dst === '/RSS').map((task) => task.url).sort()).toEqual(expected);
		expect(sandbox.requests.some((request) => request.path === '/feed.xml')).toBe(true);
	});
});

describe('the folder picker in the editor', () => {
	test('lists the drive\'s folders through the REST endpoint the editor calls, searchable', async () => {
		const sandbox = dev.sandbox!;
		sandbox.addFolder('/Picker/Anime');
		sandbox.addFolder('/Picker/Movies');
		sandbox.addFile('/Picker/not-a-folder.txt', 'x');
		const ask = async (filter?: string) =>
			await rest('/rest/dynamic-node-parameters/resource-locator-results', {
				method: 'POST',
				body: JSON.stringify({
					path: 'parameters.folder',
					nodeTypeAndVersion: { name: 'n8n-nodes-cloudreve.cloudreve', version: 1.1 },
					currentNodeParameters: { resource: 'file', operation: 'upload', folder: { __rl: true, mode: 'list', value: '/' } },
					methodName: 'searchFolders',
					credentials: { cloudreveApi: { id: SANDBOX_CREDENTIAL_ID, name: 'Cloudreve sandbox' } },
					...(filter === undefined ? {} : { filter }),
				}),
			});
		const root = await ask();
		expect(root.data.results[0]).toEqual({ name: '/ (Root folder)', value: '/' });
		expect(root.data.results.map((result: { value: string }) => result.value)).toContain('/Picker');
		const below = await ask('/Picker/');
		expect(below.data.results.map((result: { value: string }) => result.value)).toEqual(['/Picker', '/Picker/Anime', '/Picker/Movies']);
		const searched = await ask('/Picker/mov');
		expect(searched.data.results).toEqual([{ name: '/Picker/Movies', value: '/Picker/Movies' }]);
	});
});
