/**
 * The request section of `npm run bench` (scripts/bench.ts): Add Offline Download of 1, 100 and
 * 1,000 links, and what it costs the server, next to its baselines, all in one run:
 *
 * - the hand-built chain users make today in the same n8n (HTTP Request nodes: a login, then one
 *   request per link; bench-workflows.ts httpChainWorkflow);
 * - the least any client could do: a plain keep-alive client in the bench process (Node's
 *   http.Agent with keepAlive, one socket) logging in once and sending one request per batch of
 *   links (the node's "Items per Request" default), and for scale one request per link.
 *
 * Per measurement: the requests the fake server received, its logins and TCP connections (its
 * own counters, before and after), and the wall time: for n8n the nodes' executionTime from the
 * run data (the chain: Login + Add Link; the Code node making the links counts for neither), for
 * the plain client the time from its login to its last answer. The node runs with a valid stored
 * session (a warm-up execution logs in and n8n stores the session), the chain logs in every time.
 * Every measurement starts from an empty task list, and checks that the server holds exactly one
 * task per link afterwards.
 */
import http from 'http';
import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';

import { DEMO_USER, FakeCloudreve } from '../test/fake-cloudreve/server';
import type { RecordedRequest } from '../test/fake-cloudreve/server';
import { tasksOf } from '../test/fake-cloudreve/tasks';
import type { ClockPair, ProfileSummary } from './bench-profile';
import { formatProfile, readClockPair, summarizeProfile } from './bench-profile';
import type { Execution } from './bench-tools';
import { executeWorkflow } from './bench-tools';
import { BENCH_FOLDER, CHAIN_HTTP_NODES, FLOOR_NODE, addDownloadsWorkflow, expressionFloorWorkflow, httpChainWorkflow } from './bench-workflows';
import type { N8nHome } from './n8n-runtime';
import { REPO, cloudreveCredential, nodeOutput } from './n8n-runtime';

/** The node's Add Offline Download option "Items per Request" (batchSize) and its default, per the issue. */
const SPEC_BATCH_SIZE = 50;
const NODE_NAME = 'Add Offline Download';

export interface RequestOptions {
	versions: string[];
	sizes: number[];
}

/** What the server saw during one measurement. */
interface Counts {
	requests: number;
	logins: number;
	connections: number;
	probes: number;
}

interface Measured extends Counts {
	ms: number;
	/** Requests by kind (add, login, mkdir, task list, probe, other). */
	kinds: Map<string, number>;
	/** Tasks the server holds afterwards (one per link expected). */
	tasks: number;
}

interface NodeMeasured extends Measured {
	/** From the node's start to the answer... to the arrival of its last add request, ms. */
	sendMs: number;
	/** Items whose task id is known in the output (3.x looks ids up after sending). */
	withTaskId: number;
	execution: Execution;
}

interface SizeResult {
	size: number;
	node: NodeMeasured;
	chain: Measured;
	minimum: Measured;
	perLink: Measured;
	/** Largest size only: Edit Fields reading the same expression per item, no requests (ms). */
	floorMs?: number;
	profile?: { send: ProfileSummary; whole: ProfileSummary; chain?: ProfileSummary };
}

interface VersionResult {
	version: string;
	generation: 'v3' | 'v4';
	sizes: SizeResult[];
}

export interface RequestReport {
	options: RequestOptions;
	/** The node's batchSize option as built: its default, or undefined when the node has none yet. */
	nodeBatchSize?: number;
	minimumBatch: number;
	versions: VersionResult[];
	profiled: boolean;
	seconds: number;
}

/** Which kind of request a path is, for the breakdown. */
function kindOf(request: RecordedRequest): string {
	const route = request.path.split('?')[0].replace(/^\/api\/v[34]/, '');
	if (route === '/aria2/url' || route === '/workflow/download') return 'add';
	if (route === '/user/session' || route === '/session/token') return 'login';
	if (route === '/site/ping') return 'probe';
	if ((request.method === 'PUT' && route === '/directory') || route === '/file/create') return 'mkdir';
	if (route.startsWith('/aria2/downloading') || route.startsWith('/aria2/finished') || (request.method === 'GET' && route === '/workflow')) return 'task list';
	return `${request.method} ${route}`;
}

function countsOf(server: FakeCloudreve): Counts {
	return { requests: server.stats.requests, logins: server.stats.logins, connections: server.stats.connections, probes: server.stats.probes };
}

function minus(after: Counts, before: Counts): Counts {
	return {
		requests: after.requests - before.requests,
		logins: after.logins - before.logins,
		connections: after.connections - before.connections,
		probes: after.probes - before.probes,
	};
}

/** The node's "Items per Request" default as built into dist/, or undefined when it has no such option. */
function builtBatchSize(): number | undefined {
	const path = join(REPO, 'dist', 'nodes', 'Cloudreve', 'Cloudreve.node.js');
	if (!existsSync(path)) return undefined;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Cloudreve } = require(path) as { Cloudreve: new () => { description: { properties: Array<Record<string, any>> } } };
	for (const property of new Cloudreve().description.properties) {
		const show = property.displayOptions?.show;
		if (property.name !== 'options' || !show?.resource?.includes('offlineDownload') || !show?.operation?.includes('add')) continue;
		const option = (property.options as Array<Record<string, unknown>>).find((candidate) => candidate.name === 'batchSize');
		if (option) return Number(option.default);
	}
	return undefined;
}

// ---------------------------------------------------------------- the plain keep-alive client

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: { code: number; data?: any; msg?: string };
}

function post(agent: http.Agent, url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
	const payload = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				try {
					resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
				} catch (error) {
					reject(error as Error);
				}
			});
			response.on('error', reject);
		});
		request.on('error', reject);
		request.end(payload);
	});
}

/** One login, then the links in requests of `batch`, one after the other on one kept-alive connection; ms. */
async function plainClient(server: FakeCloudreve, links: string[], batch: number): Promise<number> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	try {
		const started = process.hrtime.bigint();
		let headers: Record<string, string>;
		let add: (part: string[]) => unknown;
		let path: string;
		if (server.generation === 'v3') {
			const login = await post(agent, `${server.url}/api/v3/user/session`, { userName: DEMO_USER.email, Password: DEMO_USER.password, captchaCode: '' });
			const cookie = /cloudreve-session=[^;]+/.exec([login.headers['set-cookie'] ?? []].flat().join('; '))?.[0];
			if (login.body.code !== 0 || !cookie) throw new Error(`plain client: login failed ${JSON.stringify(login.body)}`);
			headers = { cookie };
			path = '/api/v3/aria2/url';
			add = (part) => ({ url: part, dst: BENCH_FOLDER });
		} else {
			const login = await post(agent, `${server.url}/api/v4/session/token`, { email: DEMO_USER.email, password: DEMO_USER.password });
			if (login.body.code !== 0) throw new Error(`plain client: login failed ${JSON.stringify(login.body)}`);
			headers = { authorization: `Bearer ${login.body.data.token.access_token as string}` };
			path = '/api/v4/workflow/download';
			add = (part) => ({ src: part, dst: `cloudreve://my${BENCH_FOLDER}` });
		}
		for (let index = 0; index < links.length; index += batch) {
			const answer = await post(agent, `${server.url}${path}`, add(links.slice(index, index + batch)), headers);
			if (answer.body.code !== 0) throw new Error(`plain client: add refused ${JSON.stringify(answer.body)}`);
		}
		return Number(process.hrtime.bigint() - started) / 1e6;
	} finally {
		agent.destroy();
	}
}

// ---------------------------------------------------------------- measuring

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The newest CPU profile of `workflowId` in BENCH_PROFILE_DIR (written when its n8n process exited). */
function newestProfile(workflowId: string): string | undefined {
	const dir = process.env.BENCH_PROFILE_DIR;
	if (!dir || !existsSync(dir)) return undefined;
	const files = readdirSync(dir)
		.filter((file) => file.startsWith(`${workflowId}.`) && file.endsWith('.cpuprofile'))
		.map((file) => join(dir, file))
		.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
	return files[0];
}

export async function runRequestSection(home: N8nHome, options: RequestOptions, elapsed: () => string): Promise<RequestReport> {
	const started = Date.now();
	const nodeBatchSize = builtBatchSize();
	const minimumBatch = nodeBatchSize ?? SPEC_BATCH_SIZE;
	const clock: ClockPair = readClockPair();
	const report: RequestReport = { options, nodeBatchSize, minimumBatch, versions: [], profiled: Boolean(process.env.BENCH_PROFILE_DIR), seconds: 0 };
	const largest = Math.max(...options.sizes);

	for (const version of options.versions) {
		const server = new FakeCloudreve({ version, lifetimeMs: 30 * 60_000 });
		await server.start();
		try {
			server.addFolder(BENCH_FOLDER);
			// Finished downloads need not land in the drive here (thousands of files nobody reads).
			tasksOf(server).landFiles = false;
			const tag = version.replace(/\D/g, '');
			const credentialId = `benchRequests${tag}`.padEnd(16, '0').slice(0, 16);
			const nodeId = (size: number) => `benchNode${tag}n${size}`;
			const chainId = (size: number) => `benchChain${tag}n${size}`;
			const floorId = `benchFloor${tag}n${largest}`;
			log(`[requests] fake Cloudreve ${version} at ${server.url}: importing the credential and ${2 * options.sizes.length + 2} workflows (${elapsed()})`);
			await home.importCredentials([cloudreveCredential(credentialId, { serverUrl: server.url, email: DEMO_USER.email, password: DEMO_USER.password, apiVersion: 'auto' })]);
			const warmUp = `benchWarm${tag}`;
			await home.importWorkflows([
				addDownloadsWorkflow(warmUp, credentialId, 1),
				...options.sizes.map((size) => addDownloadsWorkflow(nodeId(size), credentialId, size)),
				...options.sizes.map((size) => httpChainWorkflow(chainId(size), server.url, server.generation, DEMO_USER.email, DEMO_USER.password, size)),
				expressionFloorWorkflow(floorId, largest),
			]);

			let arrivals: Array<{ at: number; kind: string }> = [];
			server.onRequest = (request) => arrivals.push({ at: performance.timeOrigin + performance.now(), kind: kindOf(request) });
			/** Runs `what` from an empty task list and returns what the server saw meanwhile. */
			const observe = async <T>(links: number, label: string, what: () => Promise<T>): Promise<{ result: T; measured: Omit<Measured, 'ms'> }> => {
				server.tasks.length = 0;
				arrivals = [];
				const before = countsOf(server);
				const result = await what();
				const counts = minus(countsOf(server), before);
				const kinds = new Map<string, number>();
				for (const arrival of arrivals) kinds.set(arrival.kind, (kinds.get(arrival.kind) ?? 0) + 1);
				if (server.tasks.length !== links) throw new Error(`${label}: the server holds ${server.tasks.length} tasks after adding ${links} links`);
				return { result, measured: { ...counts, kinds, tasks: server.tasks.length } };
			};
			const runNode = async (size: number): Promise<NodeMeasured> => {
				const { result: execution, measured } = await observe(size, `node, ${size} links`, async () => await executeWorkflow(home, nodeId(size)));
				const output = nodeOutput(execution.run as never, NODE_NAME);
				if (output.length !== size) throw new Error(`node, ${size} links: ${output.length} output items`);
				const withTaskId = output.filter((item) => {
					const tasks = item.json.tasks as Array<Record<string, unknown>> | undefined;
					return tasks?.[0]?.taskId !== undefined && tasks[0].taskId !== null;
				}).length;
				const [start] = execution.nodeWindow[NODE_NAME];
				const lastAdd = Math.max(...arrivals.filter((arrival) => arrival.kind === 'add').map((arrival) => arrival.at));
				return { ...measured, ms: execution.nodeMs[NODE_NAME], sendMs: lastAdd - start, withTaskId, execution };
			};

			// The warm-up: n8n probes, logs in and stores the session with the credential.
			log(`[requests] ${version}: warm-up execution (the credential gets its session) (${elapsed()})`);
			const warm = await observe(1, 'warm-up', async () => await executeWorkflow(home, warmUp));
			if (warm.measured.logins !== 1) throw new Error(`warm-up: ${warm.measured.logins} logins, expected 1`);

			const result: VersionResult = { version, generation: server.generation, sizes: [] };
			for (const size of options.sizes) {
				log(`[requests] ${version}: ${size} link(s): the node, the HTTP Request chain, the plain keep-alive client (${elapsed()})`);
				const node = await runNode(size);
				const chainRun = await observe(size, `chain, ${size} links`, async () => await executeWorkflow(home, chainId(size)));
				const chainOutput = nodeOutput(chainRun.result.run as never, 'Add Link');
				const refused = chainOutput.filter((item) => (item.json as { code?: number }).code !== 0);
				if (chainOutput.length !== size || refused.length > 0) throw new Error(`chain, ${size} links: ${chainOutput.length} outputs, ${refused.length} refused: ${JSON.stringify(refused[0]?.json)}`);
				const chain: Measured = { ...chainRun.measured, ms: CHAIN_HTTP_NODES.reduce((sum, name) => sum + chainRun.result.nodeMs[name], 0) };
				const links = Array.from({ length: size }, (_, index) => `https://downloads.example/bench/plain-${Date.now()}/file-${index + 1}.iso`);
				const minimumRun = await observe(size, `plain client, ${size} links`, async () => await plainClient(server, links, minimumBatch));
				const perLinkRun = await observe(size, `plain client one per link, ${size} links`, async () => await plainClient(server, links, 1));
				const sizeResult: SizeResult = {
					size,
					node,
					chain,
					minimum: { ...minimumRun.measured, ms: minimumRun.result },
					perLink: { ...perLinkRun.measured, ms: perLinkRun.result },
				};
				if (size === largest) sizeResult.floorMs = (await executeWorkflow(home, floorId)).nodeMs[FLOOR_NODE];
				const profile = size === largest ? newestProfile(nodeId(size)) : undefined;
				if (profile) {
					const [start, end] = node.execution.nodeWindow[NODE_NAME];
					const chainProfile = newestProfile(chainId(size));
					const [chainStart] = chainRun.result.nodeWindow.Login;
					const [, chainEnd] = chainRun.result.nodeWindow['Add Link'];
					sizeResult.profile = {
						send: summarizeProfile(profile, start, start + node.sendMs, clock),
						whole: summarizeProfile(profile, start, end, clock),
						chain: chainProfile ? summarizeProfile(chainProfile, chainStart, chainEnd, clock) : undefined,
					};
				}
				result.sizes.push(sizeResult);
			}
			report.versions.push(result);
		} finally {
			server.onRequest = undefined;
			await server.stop().catch(() => undefined);
		}
	}
	report.seconds = (Date.now() - started) / 1000;
	return report;
}

// ---------------------------------------------------------------- the table

function kindsText(kinds: Map<string, number>): string {
	const order = ['login', 'probe', 'mkdir', 'add', 'task list'];
	const keys = [...kinds.keys()].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
	return keys.map((key) => `${kinds.get(key)} ${key}`).join(' + ');
}

export function formatRequestSection(report: RequestReport): string[] {
	const out: string[] = [];
	const line = (text = '') => out.push(text);
	const widths = [6, 44, 8, 6, 6, 9, 8, 8];
	const row = (cells: string[]) => line(cells.map((cell, i) => (i >= 2 && i < 8 ? cell.padStart(widths[i]) : cell.padEnd(widths[i] ?? 0))).join(' ').trimEnd());
	const batchText =
		report.nodeBatchSize === undefined
			? `the node as built has no "Items per Request" option yet: one request per item; plain client batches of ${report.minimumBatch} (the option's default to come)`
			: `the node's "Items per Request" (batchSize) default ${report.nodeBatchSize}, the plain client's batches the same`;
	line(`Requests: Add Offline Download of N links into ${BENCH_FOLDER} (Manual Trigger → Code making N items → the node or the chain), ${report.seconds.toFixed(0)} s`);
	line(`  Wall: n8n nodes' executionTime (chain: Login + Add Link); plain client: login to last answer, in the bench process.`);
	line(`  Batching: ${batchText}.`);
	line('  requests / logins / conns: what the fake server received, its logins, the TCP connections it accepted. The node runs with a stored valid session.');
	line("  node/row: the node's wall time divided by that row's. One round each: other load on the machine shows (see the load average above).");
	if (report.profiled) line('  BENCH_PROFILE_DIR is set: n8n ran under the CPU profiler, so n8n times here are inflated (the profile is for finding where time goes).');
	for (const result of report.versions) {
		line();
		row([`${result.version}`, 'items, who', 'requests', 'logins', 'conns', 'wall s', 'node/row', 'requests by kind (and notes)']);
		for (const entry of result.sizes) {
			const { node } = entry;
			const ratio = (other: { ms: number }) => `${(node.ms / other.ms).toFixed(2)}x`;
			const idNote = result.generation === 'v3' ? `; last add sent at ${(node.sendMs / 1000).toFixed(2)} s, then 3.x task ids looked up (${node.withTaskId}/${entry.size} found)` : '';
			row([String(entry.size), 'Cloudreve node, Add Offline Download', String(node.requests), String(node.logins), String(node.connections), (node.ms / 1000).toFixed(3), '', `${kindsText(node.kinds)}${idNote}`]);
			row(['', 'HTTP Request chain (login + 1 per link)', String(entry.chain.requests), String(entry.chain.logins), String(entry.chain.connections), (entry.chain.ms / 1000).toFixed(3), ratio(entry.chain), kindsText(entry.chain.kinds)]);
			row(['', `plain keep-alive client, ${report.minimumBatch} links per request`, String(entry.minimum.requests), String(entry.minimum.logins), String(entry.minimum.connections), (entry.minimum.ms / 1000).toFixed(3), ratio(entry.minimum), kindsText(entry.minimum.kinds)]);
			row(['', 'plain keep-alive client, 1 link per request', String(entry.perLink.requests), String(entry.perLink.logins), String(entry.perLink.connections), (entry.perLink.ms / 1000).toFixed(3), ratio(entry.perLink), '']);
			if (entry.floorMs !== undefined) {
				row(['', 'reference: n8n Edit Fields, same expression', '0', '0', '0', (entry.floorMs / 1000).toFixed(3), ratio({ ms: entry.floorMs }), "n8n's own per-item cost (parameters, {{ $json.link }}), no request"]);
			}
		}
		const big = result.sizes.reduce((a, b) => (b.size > a.size ? b : a));
		const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
		const requestShare = big.node.requests / big.chain.requests;
		const wallShare = big.node.ms / big.chain.ms;
		const minimumRatio = big.node.ms / big.minimum.ms;
		const nodeLogins = result.sizes.map((entry) => entry.node.logins);
		const chainLogins = result.sizes.map((entry) => entry.chain.logins);
		const us = (ms: number) => `${((ms * 1000) / big.size).toFixed(0)} µs`;
		const floorText = big.floorMs !== undefined ? `, Edit Fields ${us(big.floorMs)}` : '';
		const perItem = big.size > 1 ? ` Per item: node ${us(big.node.sendMs)} to its last add request, chain ${us(big.chain.ms)}${floorText}, plain client ${us(big.minimum.ms)} (${report.minimumBatch} per request) / ${us(big.perLink.ms)} (1 per request).` : '';
		line(`  Goals at ${big.size.toLocaleString('en')} items (${result.version}):`);
		line(`    requests node/chain ${big.node.requests}/${big.chain.requests} = ${requestShare.toFixed(3)} (goal ≤ 1/20 = 0.050): ${verdict(requestShare <= 0.05)}`);
		line(`    wall node/chain ${(big.node.ms / 1000).toFixed(3)}/${(big.chain.ms / 1000).toFixed(3)} s = ${wallShare.toFixed(2)} (goal ≤ 0.5): ${verdict(wallShare <= 0.5)}`);
		line(`    logins with a valid stored session: node ${nodeLogins.join(', ')} (goal 0): ${verdict(nodeLogins.every((n) => n === 0))}; chain ${chainLogins.join(', ')} (1 per execution)`);
		line(`    wall node/minimum (plain client, ${report.minimumBatch} per request) ${(big.node.ms / 1000).toFixed(3)}/${(big.minimum.ms / 1000).toFixed(3)} s = ${minimumRatio.toFixed(1)} (goal ≤ 1.3): ${verdict(minimumRatio <= 1.3)}`);
		if (big.floorMs !== undefined) {
			line(`    for scale, n8n's own per-item cost (Edit Fields reading the same expression, no request): ${(big.floorMs / 1000).toFixed(3)} s = ${(big.floorMs / big.minimum.ms).toFixed(1)}x the minimum by itself`);
		}
		if (result.generation === 'v3') {
			// 3.x answers an add without a task id: the node looks the ids up afterwards (about a second
			// until Cloudreve has polled aria2), which neither baseline does. Without it, for scale:
			const send = big.node.sendMs;
			line(`    for scale, the node to its last add request (without the 3.x task-id look-up): ${(send / 1000).toFixed(3)} s = ${(send / big.chain.ms).toFixed(2)} of the chain, ${(send / big.minimum.ms).toFixed(1)}x the minimum`);
		}
		if (perItem) line(`   ${perItem}`);
		for (const entry of result.sizes) {
			if (!entry.profile) continue;
			line(`  CPU profile of the n8n process, ${entry.size} items, ${result.version} (µs/item over ${entry.size} items):`);
			for (const text of formatProfile('node, from its start to its last add request', entry.profile.send, entry.size)) line(text);
			if (result.generation === 'v3') for (const text of formatProfile('node, whole executionTime (with the 3.x task-id look-up)', entry.profile.whole, entry.size).slice(0, 1)) line(text);
			if (entry.profile.chain) for (const text of formatProfile('HTTP Request chain, Login + Add Link', entry.profile.chain, entry.size).slice(0, 20)) line(text);
		}
	}
	return out;
}
