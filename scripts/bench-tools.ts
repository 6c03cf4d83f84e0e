/**
 * Measuring tools for `npm run bench` (scripts/bench.ts): the machine, input files, an `n8n execute`
 * whose peak memory is watched from outside, curl as the physical limit, and the few Cloudreve 3.x
 * calls the baselines need (the bench talks to the fake server over HTTP like any client would).
 *
 * Everything that runs while the fake server answers is asynchronous: the server lives in this
 * process, so a synchronous child (execFileSync) would freeze it and the measurement with it.
 */
import { spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'fs';
import { cpus, totalmem } from 'os';

import type { N8nHome } from './n8n-runtime';

export const MiB = 1024 * 1024;

// ---------------------------------------------------------------- machine

export interface Machine {
	nproc: number;
	cpuModel: string;
	memoryGiB: number;
	nodeVersion: string;
	n8nNodeVersion: string;
	n8nVersion: string;
	curlVersion: string;
}

function firstLine(text: string): string {
	return text.split('\n')[0].trim();
}

async function output(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
	const result = await runProcess(command, args, { env });
	return result.stdout;
}

export async function describeMachine(home: N8nHome): Promise<Machine> {
	const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
	const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? cpus()[0]?.model ?? 'unknown';
	const nodeBin = `${home.install.nodeDir}/bin/node`;
	return {
		nproc: Number(firstLine(await output('nproc', []))) || cpus().length,
		cpuModel,
		memoryGiB: totalmem() / 1024 ** 3,
		nodeVersion: process.version,
		n8nNodeVersion: firstLine(await output(nodeBin, ['--version'])),
		n8nVersion: firstLine(await output(nodeBin, [home.bin, '--version'], home.env)),
		curlVersion: firstLine(await output('curl', ['--version'])).split(' ').slice(0, 2).join(' '),
	};
}

// ---------------------------------------------------------------- input files

/**
 * Writes `size` bytes of random-looking data (1 MiB of random bytes, each MiB stamped with its
 * index, so no two MiB are equal) and returns the file's SHA-256. Random rather than zeros, so
 * that nothing on the way could profit from compressible or sparse data.
 */
export function writeInputFile(path: string, size: number): string {
	const block = randomBytes(MiB);
	const hash = createHash('sha256');
	const fd = openSync(path, 'w');
	try {
		for (let offset = 0, index = 0; offset < size; offset += MiB, index++) {
			block.writeUInt32BE(index, 0);
			const piece = block.subarray(0, Math.min(MiB, size - offset));
			writeSync(fd, piece);
			hash.update(piece);
		}
	} finally {
		closeSync(fd);
	}
	return hash.digest('hex');
}

// ---------------------------------------------------------------- processes

export interface ProcessResult {
	code: number;
	stdout: string;
	stderr: string;
	wallMs: number;
	/** Peak resident set size (VmHWM) in bytes, when watched. */
	peakRss?: number;
	/** CPU time (user + system) the process used over time, when watched. */
	cpu?: CpuTimeline;
	/** Wall-clock start and end (epoch ms), to line up with n8n's own node start times. */
	startedAt: number;
	endedAt: number;
}

/**
 * CPU seconds used (user + system) sampled against wall-clock time, so that the CPU spent within
 * a time window (one node of an execution, one curl transfer) can be read off afterwards.
 */
export class CpuTimeline {
	private readonly samples: Array<[number, number]> = [];

	add(at: number, cpuSeconds: number): void {
		this.samples.push([at, cpuSeconds]);
	}

	private at(time: number): number {
		const samples = this.samples;
		if (samples.length === 0) return NaN;
		if (time <= samples[0][0]) return samples[0][1];
		for (let i = 1; i < samples.length; i++) {
			const [t1, c1] = samples[i];
			if (time <= t1) {
				const [t0, c0] = samples[i - 1];
				return c0 + ((c1 - c0) * (time - t0)) / Math.max(1, t1 - t0);
			}
		}
		return samples[samples.length - 1][1];
	}

	/** CPU seconds used between two epoch-ms instants (linear between samples). */
	between(from: number, to: number): number {
		return this.at(to) - this.at(from);
	}

	get total(): number {
		return this.samples.length === 0 ? NaN : this.samples[this.samples.length - 1][1] - this.samples[0][1];
	}
}

/**
 * This process's own CPU (the fake server lives here), sampled every 50 ms until stopped: the
 * server's handling cost per measurement, to tell whether the server could be the bottleneck.
 */
export function sampleOwnCpu(): { timeline: CpuTimeline; stop(): void } {
	const timeline = new CpuTimeline();
	const sample = () => {
		const usage = process.cpuUsage();
		timeline.add(Date.now(), (usage.user + usage.system) / 1e6);
	};
	sample();
	const timer = setInterval(sample, 50);
	timer.unref();
	return { timeline, stop: () => clearInterval(timer) };
}

/** Every child the bench started and that still runs: stopped by PID on exit or Ctrl+C. */
export const liveChildren = new Set<number>();

/** Set once the bench stops (Ctrl+C): no new child may start while the others are being stopped. */
let stopping = false;

function signal(pid: number, name: NodeJS.Signals | 0): boolean {
	try {
		process.kill(pid, name);
		return true;
	} catch {
		return false; // already gone
	}
}

/**
 * SIGTERM first, so that an n8n process can stop the task runner it started itself, then SIGKILL
 * whatever still runs after a few seconds.
 */
export async function stopLiveChildren(graceMs = 5000): Promise<void> {
	stopping = true;
	const pids = [...liveChildren].filter((pid) => signal(pid, 'SIGTERM'));
	const deadline = Date.now() + graceMs;
	while (pids.some((pid) => signal(pid, 0)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
	for (const pid of pids) signal(pid, 'SIGKILL');
	liveChildren.clear();
}

/** utime + stime from /proc/<pid>/stat, in seconds (clock ticks are 100 Hz on Linux). */
function cpuTime(pid: number): number | undefined {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
		// After "pid (comm) ", field 3 (state) is index 0: utime and stime are fields 14 and 15.
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return undefined;
	}
}

function vmHwm(pid: number): number | undefined {
	try {
		const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kib === undefined ? undefined : Number(kib) * 1024;
	} catch {
		return undefined;
	}
}

/**
 * Runs a command and waits for it without blocking the event loop. With `watch`, polls the
 * child's VmHWM (the kernel's own high-water mark of its RSS) and CPU time every 50 ms while it
 * lives: the last VmHWM read before it exits is its peak, so the poll rate does not decide what is
 * caught.
 */
export async function runProcess(
	command: string,
	args: string[],
	{ env, watch = false, timeoutMs = 15 * 60_000 }: { env?: NodeJS.ProcessEnv; watch?: boolean; timeoutMs?: number } = {},
): Promise<ProcessResult> {
	if (stopping) throw new Error(`not starting ${command}: the bench is stopping`);
	const started = process.hrtime.bigint();
	const startedAt = Date.now();
	const child = spawn(command, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
	const pid = child.pid!;
	liveChildren.add(pid);
	let peakRss: number | undefined;
	const cpu = watch ? new CpuTimeline() : undefined;
	cpu?.add(startedAt, 0);
	const poll = watch
		? setInterval(() => {
				const value = vmHwm(pid);
				if (value !== undefined) peakRss = Math.max(peakRss ?? 0, value);
				const used = cpuTime(pid);
				if (used !== undefined) cpu!.add(Date.now(), used);
			}, 50)
		: undefined;
	const stdout: Buffer[] = [];
	const stderr: Buffer[] = [];
	child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
	child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
	const timer = setTimeout(() => {
		child.kill('SIGTERM');
		setTimeout(() => child.kill('SIGKILL'), 5000).unref();
	}, timeoutMs);
	// Polling stops at 'close': by then the process is reaped and /proc/<pid> is gone anyway.
	const code = await new Promise<number>((resolveExit, reject) => {
		child.on('error', reject);
		child.on('close', (exitCode) => resolveExit(exitCode ?? -1));
	});
	clearTimeout(timer);
	if (poll) clearInterval(poll);
	liveChildren.delete(pid);
	return {
		code,
		stdout: Buffer.concat(stdout).toString('utf8'),
		stderr: Buffer.concat(stderr).toString('utf8'),
		wallMs: Number(process.hrtime.bigint() - started) / 1e6,
		peakRss,
		cpu,
		startedAt,
		endedAt: Date.now(),
	};
}

// ---------------------------------------------------------------- n8n executions

export interface TaskData {
	startTime: number;
	/** Milliseconds the node itself ran (n8n's own measurement, without the CLI's start-up). */
	executionTime: number;
	executionStatus?: string;
	error?: { message: string; description?: string };
	data?: { main: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, { fileSize?: string; bytes?: number; id?: string }> }>> };
}

export interface RunData {
	status?: string;
	data: { resultData: { error?: { message: string; description?: string }; runData: Record<string, TaskData[]> } };
}

export interface Execution extends ProcessResult {
	run: RunData;
	/** executionTime of each node (first run), by node name. */
	nodeMs: Record<string, number>;
	/** When each node ran (epoch ms, from its startTime and executionTime), by node name. */
	nodeWindow: Record<string, [number, number]>;
}

/**
 * `n8n execute --id=… --rawOutput` in a fresh process (so the peaks of two measurements never mix),
 * watched for memory. Throws with n8n's own words when the execution did not succeed.
 */
export async function executeWorkflow(home: N8nHome, workflowId: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Execution> {
	const node = `${home.install.nodeDir}/bin/node`;
	// BENCH_PROFILE_DIR=/some/dir: each execution also writes a V8 CPU profile there (open it in
	// Chrome DevTools or summarize it); the profiler slows n8n down, so figures of such a run are
	// for finding where time goes, not for the table.
	const profileDir = process.env.BENCH_PROFILE_DIR;
	const profiling = profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-name=${workflowId}.${Date.now()}.cpuprofile` } : {};
	const result = await runProcess(node, [home.bin, 'execute', `--id=${workflowId}`, '--rawOutput'], { env: { ...home.env, ...profiling, ...extraEnv }, watch: true });
	// n8n 2.x prints the run data through its logger after a few log lines (real-n8n.md), and a
	// log line may follow it (the task runner registering late): the JSON ends at the last "}" line.
	const lines = result.stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{'));
	const end = lines.lastIndexOf('}');
	let run: RunData | undefined;
	if (start >= 0 && end > start) {
		try {
			run = JSON.parse(lines.slice(start, end + 1).join('\n')) as RunData;
		} catch {
			run = undefined;
		}
	}
	const error = run?.data.resultData.error;
	// The run data decides: n8n 2.x has been seen to exit non-zero after printing a successful run
	// (its task runner shutting down), which says nothing about the workflow.
	if (!run || error || run.status !== 'success') {
		const failed = Object.entries(run?.data.resultData.runData ?? {}).find(([, tasks]) => tasks[0]?.error);
		const detail = failed ? `${failed[0]}: ${failed[1][0].error!.message}` : error?.message ?? '';
		throw new Error(`n8n execute --id=${workflowId} failed (exit ${result.code}) ${detail}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
	}
	if (result.code !== 0) process.stderr.write(`note: n8n execute --id=${workflowId} exited with ${result.code} after a successful run\n`);
	const nodeMs: Record<string, number> = {};
	const nodeWindow: Record<string, [number, number]> = {};
	for (const [name, tasks] of Object.entries(run.data.resultData.runData)) {
		nodeMs[name] = tasks[0]?.executionTime ?? NaN;
		nodeWindow[name] = [tasks[0]?.startTime ?? NaN, (tasks[0]?.startTime ?? NaN) + nodeMs[name]];
	}
	return { ...result, run, nodeMs, nodeWindow };
}

/** The size in bytes of the binary a node put out (first item, field `data`), as n8n recorded it. */
export function outputBytes(run: RunData, node: string): number | undefined {
	const binary = run.data.resultData.runData[node]?.[0]?.data?.main[0]?.[0]?.binary?.data;
	if (!binary) return undefined;
	if (typeof binary.bytes === 'number') return binary.bytes;
	return undefined;
}

// ---------------------------------------------------------------- curl

export interface CurlTransfer {
	status: number;
	downloaded: number;
	uploaded: number;
	/** curl's own time_total: the transfer, without the process start-up. */
	seconds: number;
}

/**
 * Runs curl with a config file (one block per transfer, `next` between them: one process, one
 * kept-alive connection, like a client sending chunk after chunk) and returns what `-w` reported
 * per transfer, plus the wall time of the whole process.
 */
export async function curl(configFile: string): Promise<{ transfers: CurlTransfer[]; wallMs: number; result: ProcessResult }> {
	const result = await runProcess('curl', ['--config', configFile], { watch: true });
	if (result.code !== 0) throw new Error(`curl failed (exit ${result.code}): ${result.stderr}`);
	const transfers = result.stdout
		.split('\n')
		.filter((line) => line.startsWith('CURL '))
		.map((line) => {
			const [, status, downloaded, uploaded, seconds] = line.split(' ');
			return { status: Number(status), downloaded: Number(downloaded), uploaded: Number(uploaded), seconds: Number(seconds) };
		});
	return { transfers, wallMs: result.wallMs, result };
}

/** One curl config block: the options of one transfer (values quoted as curl's config syntax wants). */
export function curlBlock(options: Array<[string, string?]>): string {
	const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
	return options.map(([name, value]) => (value === undefined ? name : `${name} = ${quote(value)}`)).join('\n');
}

/** Options every bench transfer uses: quiet, errors shown, no 100-continue round trip, a parsable result line. */
export const CURL_COMMON: Array<[string, string?]> = [
	['silent'],
	['show-error'],
	['fail'],
	['header', 'Expect:'],
	['output', '/dev/null'],
	['write-out', 'CURL %{http_code} %{size_download} %{size_upload} %{time_total}\\n'],
];

// ---------------------------------------------------------------- Cloudreve 3.x calls for the baselines

interface Envelope {
	code: number;
	data?: unknown;
	msg?: string;
}

/** The few Cloudreve 3.x calls the baselines need, over HTTP with a session cookie. */
export class CloudreveV3Client {
	cookie = '';

	constructor(readonly serverUrl: string) {}

	async login(email: string, password: string): Promise<void> {
		const response = await fetch(`${this.serverUrl}/api/v3/user/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ userName: email, Password: password, captchaCode: '' }),
		});
		const envelope = (await response.json()) as Envelope;
		const cookie = /cloudreve-session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
		if (envelope.code !== 0 || !cookie) throw new Error(`login failed: ${JSON.stringify(envelope)}`);
		this.cookie = cookie;
	}

	async call(method: string, path: string, body?: unknown): Promise<unknown> {
		const response = await fetch(`${this.serverUrl}/api/v3${path}`, {
			method,
			headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const envelope = (await response.json()) as Envelope;
		if (envelope.code !== 0) throw new Error(`${method} ${path}: Cloudreve code ${envelope.code} ${envelope.msg ?? ''}`);
		return envelope.data;
	}

	/** A signed download URL, absolute (the local policy answers a path below the site). */
	async downloadUrl(fileId: string): Promise<string> {
		return `${this.serverUrl}${String(await this.call('PUT', `/file/download/${fileId}`))}`;
	}

	/** An upload session for `name` in `folder`, with the folder's storage policy, as the node asks for one. */
	async uploadSession(folder: string, name: string, size: number): Promise<{ sessionId: string; chunkSize: number }> {
		const listing = (await this.call('GET', `/directory${folder}`)) as { policy: { id: string } };
		const session = (await this.call('PUT', '/file/upload', {
			path: folder,
			size,
			name,
			policy_id: listing.policy.id,
			last_modified: Date.now(),
			mime_type: 'application/octet-stream',
		})) as { sessionID: string; chunkSize: number };
		return { sessionId: session.sessionID, chunkSize: session.chunkSize };
	}
}
