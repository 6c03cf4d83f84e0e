/**
 * Reads a V8 CPU profile (`--cpu-prof`, see BENCH_PROFILE_DIR in bench-tools.ts) and says where the
 * time of one time window went: by package (self time), by file and function (self time), and
 * under a few entry points (time with everything they call, while they are on the stack).
 *
 * Profile timestamps are microseconds of the machine's monotonic clock (the one process.hrtime
 * reads), while n8n's run data has epoch milliseconds: a `ClockPair` read in the bench process
 * converts one into the other.
 */
import { readFileSync } from 'fs';

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
	columnNumber: number;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	endTime: number;
	samples: number[];
	timeDeltas: number[];
}

/** The same instant on both clocks. */
export interface ClockPair {
	epochMs: number;
	monotonicUs: number;
}

export function readClockPair(): ClockPair {
	const monotonicUs = Number(process.hrtime.bigint() / 1000n);
	return { epochMs: Date.now(), monotonicUs };
}

export interface Cost {
	name: string;
	ms: number;
}

export interface ProfileSummary {
	/** The window asked for, in ms. */
	windowMs: number;
	/** Time covered by samples inside it. */
	sampledMs: number;
	idleMs: number;
	/** Self time by package (this package, n8n-workflow, n8n-core, axios, Node.js http…, GC, V8). */
	packages: Cost[];
	/** Self time by file, the largest first. */
	files: Cost[];
	/** Self time by function (name, file:line), the largest first. */
	functions: Cost[];
	/** Time with callees under a few entry points (a sample counts once per entry point). */
	inclusive: Cost[];
	/** getNodeParameter time by the function of this package that asked (which parameter read costs what). */
	parameterReads: Cost[];
	/** Every sample in exactly one bucket (see PARTITION): the window's time, split. */
	partition: Cost[];
	/** The "our own work" bucket by the innermost function of this package on the stack. */
	ownWork: Cost[];
}

/**
 * Buckets for an exclusive split of the window: a sample goes to the first bucket whose test its
 * stack passes (leaf first for idle and GC, then the whole stack for the others).
 */
const PARTITION = {
	idle: '(idle: waiting for the server\'s answers, timers)',
	gc: '(garbage collection)',
	parameters: 'parameter reads: getNodeParameter (expression evaluation included)',
	request: "n8n's request path: httpRequestWithAuthentication, @n8n/backend-network, axios, Node's http/net/streams",
	ours: 'our own work: this package outside the two above',
	other: 'other (n8n execution engine, run data, V8 without a JavaScript frame)',
};

function isRequestPath(frame: CallFrame): boolean {
	const { url, functionName } = frame;
	return (
		functionName === 'httpRequestWithAuthentication' ||
		url.includes('/@n8n/backend-network/') ||
		url.includes('/node_modules/axios/') ||
		url.includes('/node_modules/follow-redirects/') ||
		/^node:(internal\/)?(_http_|http|https|net|tls|dns|stream|streams\/|internal\/streams|stream_base_commons|zlib)/.test(url) ||
		url.startsWith('node:internal/streams') ||
		url.startsWith('node:internal/stream_base_commons')
	);
}

/** Entry points whose inclusive time answers "expression evaluation / n8n's request path / our own work". */
const OURS = '/node_modules/n8n-nodes-cloudreve/';

const ENTRY_POINTS: Array<{ label: string; test: (frame: CallFrame) => boolean }> = [
	{ label: 'getNodeParameter (parameter reads, expressions included)', test: (f) => f.functionName === '_getNodeParameter' || f.functionName === 'getNodeParameter' },
	{ label: '  expression evaluation (WorkflowExpression.getParameterValue)', test: (f) => f.functionName === 'getParameterValue' && f.url.includes('workflow-expression') },
	{ label: '    in the isolated-vm expression runtime (@n8n/expression-runtime)', test: (f) => f.url.includes('/@n8n/expression-runtime/') },
	{ label: 'getCredentials (decrypt + resolve the credential)', test: (f) => f.functionName === 'getCredentials' },
	{ label: 'httpRequestWithAuthentication (n8n, synchronous part)', test: (f) => f.functionName === 'httpRequestWithAuthentication' },
	{ label: '  preAuthentication (n8n asks the credential whether to log in)', test: (f) => f.functionName === 'preAuthentication' },
	{ label: '  authenticate (n8n applies the credential to the request)', test: (f) => f.functionName === 'authenticate' && !f.url.includes('/n8n-nodes-cloudreve/') },
	{ label: 'n8n outbound HTTP (@n8n/backend-network: config, agents, SSRF guard)', test: (f) => f.url.includes('/@n8n/backend-network/') },
	{ label: 'axios (request and response handling)', test: (f) => f.url.includes('/node_modules/axios/') },
	{ label: 'this package, with everything it calls synchronously', test: (f) => f.url.includes(OURS) },
];

function packageOf(frame: CallFrame): string {
	const { functionName, url } = frame;
	if (functionName === '(idle)') return '(idle: waiting for the network, the server, timers)';
	if (functionName === '(garbage collector)') return '(garbage collection)';
	if (functionName === '(program)') return '(V8/native, not attributed)';
	if (url.startsWith('node:')) {
		const module = url.slice('node:'.length).replace(/^internal\//, '').split('/')[0];
		return `Node.js ${module}`;
	}
	const match = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
	if (match) return match[1] === 'n8n-nodes-cloudreve' ? 'n8n-nodes-cloudreve (this package, self time)' : match[1];
	if (url === '') return '(V8 builtins: JSON, RegExp, …)';
	return url;
}

function fileOf(frame: CallFrame): string {
	const { url } = frame;
	if (url === '') return packageOf(frame);
	const match = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
	if (match) return `${match[1]}/${match[2].replace(/^dist\//, '')}`;
	return url;
}

function top(map: Map<string, number>, count: number): Cost[] {
	return [...map.entries()]
		.map(([name, us]) => ({ name, ms: us / 1000 }))
		.sort((a, b) => b.ms - a.ms)
		.slice(0, count);
}

/** Where the time between `fromEpochMs` and `toEpochMs` went, in the profile at `path`. */
export function summarizeProfile(path: string, fromEpochMs: number, toEpochMs: number, clock: ClockPair): ProfileSummary {
	const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
	const toMonotonic = (epochMs: number) => clock.monotonicUs + (epochMs - clock.epochMs) * 1000;
	const from = toMonotonic(fromEpochMs);
	const to = toMonotonic(toEpochMs);
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

	const packages = new Map<string, number>();
	const files = new Map<string, number>();
	const functions = new Map<string, number>();
	const inclusive = new Map<string, number>(ENTRY_POINTS.map((entry) => [entry.label, 0]));
	const parameterReads = new Map<string, number>();
	const partition = new Map<string, number>(Object.values(PARTITION).map((label) => [label, 0]));
	const ownWork = new Map<string, number>();
	const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
	let sampled = 0;
	let idle = 0;
	let time = profile.startTime;
	for (let i = 0; i < profile.samples.length; i++) {
		time += profile.timeDeltas[i];
		// A sample stands for the time until the next one.
		const weight = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
		if (time < from || time >= to || weight <= 0) continue;
		const node = byId.get(profile.samples[i])!;
		const frame = node.callFrame;
		sampled += weight;
		const pkg = packageOf(frame);
		if (frame.functionName === '(idle)') idle += weight;
		add(packages, pkg, weight);
		add(files, fileOf(frame), weight);
		add(functions, `${frame.functionName || '(anonymous)'}  ${fileOf(frame)}:${frame.lineNumber + 1}`, weight);
		const seen = new Set<string>();
		let inParameterRead = false;
		let reader: string | undefined;
		let requestPath = false;
		let ours: string | undefined;
		for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
			const callFrame = byId.get(id)!.callFrame;
			if (isRequestPath(callFrame)) requestPath = true;
			if (ours === undefined && callFrame.url.includes(OURS)) ours = `${callFrame.functionName || '(anonymous)'}  ${fileOf(callFrame)}:${callFrame.lineNumber + 1}`;
			for (const entry of ENTRY_POINTS) if (!seen.has(entry.label) && entry.test(callFrame)) seen.add(entry.label);
			if (callFrame.functionName === '_getNodeParameter' || callFrame.functionName === 'getNodeParameter') inParameterRead = true;
			else if (inParameterRead && reader === undefined && callFrame.url.includes(OURS)) reader = `${callFrame.functionName || '(anonymous)'}  ${fileOf(callFrame)}:${callFrame.lineNumber + 1}`;
		}
		if (inParameterRead) add(parameterReads, reader ?? '(not from this package)', weight);
		const bucket =
			frame.functionName === '(idle)'
				? PARTITION.idle
				: frame.functionName === '(garbage collector)'
					? PARTITION.gc
					: inParameterRead
						? PARTITION.parameters
						: requestPath
							? PARTITION.request
							: ours !== undefined
								? PARTITION.ours
								: PARTITION.other;
		add(partition, bucket, weight);
		if (bucket === PARTITION.ours) add(ownWork, ours!, weight);
		for (const label of seen) add(inclusive, label, weight);
	}
	return {
		windowMs: toEpochMs - fromEpochMs,
		sampledMs: sampled / 1000,
		idleMs: idle / 1000,
		packages: top(packages, 14),
		files: top(files, 12),
		functions: top(functions, 15),
		inclusive: ENTRY_POINTS.map((entry) => ({ name: entry.label, ms: inclusive.get(entry.label)! / 1000 })),
		parameterReads: top(parameterReads, 6),
		partition: Object.values(PARTITION).map((label) => ({ name: label, ms: partition.get(label)! / 1000 })),
		ownWork: top(ownWork, 8),
	};
}

/** The summary as table lines; per-item figures in µs when `items` is given. */
export function formatProfile(title: string, summary: ProfileSummary, items: number): string[] {
	const out: string[] = [];
	const perItem = (ms: number) => `${((ms * 1000) / items).toFixed(0).padStart(6)} µs/item`;
	const share = (ms: number) => `${((100 * ms) / Math.max(summary.sampledMs, 1e-9)).toFixed(1).padStart(5)} %`;
	const row = (name: string, ms: number) => out.push(`    ${name.padEnd(96).slice(0, 96)} ${ms.toFixed(0).padStart(7)} ms ${share(ms)} ${perItem(ms)}`);
	out.push(`  ${title}: window ${summary.windowMs.toFixed(0)} ms, sampled ${summary.sampledMs.toFixed(0)} ms, of which idle ${summary.idleMs.toFixed(0)} ms`);
	out.push('   Where the time went (each sample counted once, by what is on its stack):');
	for (const cost of summary.partition) row(cost.name, cost.ms);
	if (summary.ownWork.length > 0) {
		out.push('   "Our own work" by the innermost function of this package (with what it calls outside the buckets above):');
		for (const cost of summary.ownWork) row(cost.name, cost.ms);
	}
	out.push('   Self time by package:');
	for (const cost of summary.packages) row(cost.name, cost.ms);
	out.push('   With everything they call (synchronous stacks only: awaited continuations are not below their caller):');
	for (const cost of summary.inclusive) row(cost.name, cost.ms);
	if (summary.parameterReads.length > 0) {
		out.push('   getNodeParameter by the code of this package that called it:');
		for (const cost of summary.parameterReads) row(cost.name, cost.ms);
	}
	out.push('   Self time by function:');
	for (const cost of summary.functions.filter((c) => !c.name.startsWith('(idle)'))) row(cost.name, cost.ms);
	return out;
}
