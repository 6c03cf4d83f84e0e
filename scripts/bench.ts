/**
 * `npm run bench`: what the Cloudreve node costs in a real n8n, next to the baselines that say what
 * "cheap" and "fast" mean here, all measured in one run on this machine and printed as one table
 * with two sections:
 *
 * - Requests (scripts/bench-requests.ts): Add Offline Download of 1, 100 and 1,000 links against
 *   fake Cloudreve 3.8.3 and 4.0.0, versus the HTTP Request chain users build by hand and a plain
 *   keep-alive client: requests, logins, TCP connections and wall time (~2.5 min).
 * - Files (below): how fast and how lean the node moves a big file (~3.5 min).
 *
 *   npm run bench                                   # both sections, the figures the goals are about
 *   npm run bench -- --only requests                # only the request section
 *   npm run bench -- --only files                   # only the file section
 *   npm run bench -- --size-mib 256 --rounds 1      # a quick look at files
 *   npm run bench -- --only requests --request-versions 3.8.3 --request-sizes 1,100
 *   BENCH_PROFILE_DIR=/tmp/prof npm run bench       # also a V8 CPU profile of every n8n execution;
 *                                                   # the request section then summarizes the node's
 *                                                   # largest run (where its time goes, per item)
 *
 * The file section:
 *
 * Setup: n8n 2.41.1 from the cache (installed on first use, like the e2e tests), this package packed
 * and installed into a throwaway user folder, binary data mode "filesystem", and a fake Cloudreve
 * 3.8.3 (local storage policy, 25 MiB chunks) started inside this process on 127.0.0.1. 3.8.3
 * rather than 4.x: the most used generation, and its upload path (session + chunks through
 * Cloudreve) is the same shape as 4.x with local storage.
 *
 * Throughput: one workflow Read File → Cloudreve Upload → Cloudreve Download; the node's time is its
 * `executionTime` from the run data (not the CLI's start-up). Baselines against the same server:
 * curl (the physical limit: the same upload-session chunks, one raw body, a GET of the signed URL
 * to /dev/null and into a file), n8n's HTTP Request node (the peer a user would reach for), and,
 * for downloads, the same GET in plain Node.js into fs.promises.writeFile: what n8n's filesystem
 * store does with any node's stream, so the ceiling of every n8n node here. Each is measured
 * `--rounds` times, interleaved, and the best round counts: other load on the machine only ever
 * slows a transfer down, so the best round is the closest to what the code itself can do.
 * Beside each time: the CPU seconds the client (the n8n process within that node's run, or curl)
 * and the fake server (this process) used meanwhile, which says who was busy.
 *
 * Memory: peak RSS (VmHWM) of the `n8n execute` process running the same workflow with 1 MiB (the
 * baseline), 64 MiB, 256 MiB and the big file, each the median of `--rounds` runs, and of Read
 * File alone at 256 MiB as a reference. One fresh n8n process per measurement, so peaks never mix.
 *
 * Everything it creates (input files, n8n's user folder, chunk files) lives in one temp folder
 * removed at the end; every process it starts is stopped by its PID.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { loadavg, tmpdir } from 'os';
import { join } from 'path';

import { DEMO_USER, FakeCloudreve } from '../test/fake-cloudreve/server';
import type { CpuTimeline, Execution, Machine } from './bench-tools';
import {
	CURL_COMMON,
	CloudreveV3Client,
	MiB,
	curl,
	curlBlock,
	describeMachine,
	executeWorkflow,
	outputBytes,
	runProcess,
	sampleOwnCpu,
	stopLiveChildren,
	writeInputFile,
} from './bench-tools';
import { formatRequestSection, runRequestSection } from './bench-requests';
import { cloudreveWorkflow, httpRequestWorkflow, readOnlyWorkflow } from './bench-workflows';
import { N8nHome, cloudreveCredential, ensureN8n, installPackedPackage } from './n8n-runtime';

const CLOUDREVE_VERSION = '3.8.3';
/** A GET streamed into a file the way n8n's filesystem store writes one; prints {ms, bytes}. */
const STORE_WRITE_SCRIPT = `
const http = require('http');
const { writeFile, stat } = require('fs/promises');
const [url, output] = process.argv.slice(1);
const started = process.hrtime.bigint();
http.get(url, async (response) => {
	await writeFile(output, response);
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	process.stdout.write(JSON.stringify({ ms, bytes: (await stat(output)).size }));
}).on('error', (error) => { process.stderr.write(String(error)); process.exitCode = 1; });
`;
const CHUNK_SIZE = 25 * MiB;
const CREDENTIAL_ID = 'benchCloudreve01';
/** The memory goals are in MB (10^6 bytes), so memory is printed in MB too. */
const MB = 1e6;
const MEMORY_SIZES_MIB = [1, 64, 256];
const READ_ONLY_MIB = 256;

type Section = 'requests' | 'files';

interface Options {
	sizeMib: number;
	rounds: number;
	/** Run only this section (--only requests|files); both by default. */
	only?: Section;
	/** Request section: fake Cloudreve versions and item counts. */
	requestVersions: string[];
	requestSizes: number[];
}

function flag(argv: string[], name: string): string | undefined {
	const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
	if (index < 0) return undefined;
	return argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
}

function parseOptions(argv: string[]): Options {
	const sizeMib = Number(flag(argv, 'size-mib') ?? process.env.BENCH_SIZE_MIB ?? 1024);
	const rounds = Number(flag(argv, 'rounds') ?? process.env.BENCH_ROUNDS ?? 3);
	if (!Number.isInteger(sizeMib) || sizeMib < 64) throw new Error('--size-mib must be a whole number of MiB, at least 64');
	if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number, at least 1');
	const only = flag(argv, 'only') ?? process.env.BENCH_ONLY;
	if (only !== undefined && only !== 'requests' && only !== 'files') throw new Error('--only must be "requests" or "files"');
	const requestVersions = (flag(argv, 'request-versions') ?? process.env.BENCH_REQUEST_VERSIONS ?? '3.8.3,4.0.0').split(',').filter(Boolean);
	const requestSizes = (flag(argv, 'request-sizes') ?? process.env.BENCH_REQUEST_SIZES ?? '1,100,1000').split(',').map(Number);
	if (requestSizes.length === 0 || !requestSizes.every((n) => Number.isInteger(n) && n >= 1)) throw new Error('--request-sizes must be whole numbers of items, at least 1, separated by commas');
	if (requestVersions.length === 0 || !requestVersions.every((v) => /^[34]\.\d+\.\d+$/.test(v))) throw new Error('--request-versions must be Cloudreve versions like 3.8.3,4.0.0');
	return { sizeMib, rounds, only, requestVersions, requestSizes };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function fileNameFor(sizeMib: number): string {
	return `node-${sizeMib}m.bin`;
}

function workflowIdFor(sizeMib: number): string {
	return `benchNode${String(sizeMib).padStart(5, '0')}m`;
}

/** One timed transfer and who spent CPU on it. */
interface Measure {
	ms: number;
	/** CPU seconds of the client (the n8n process during that node's run, or curl). */
	clientCpu: number;
	/** CPU seconds of this process (the fake server) in the same time window. */
	serverCpu: number;
}

/** Set by Ctrl+C (or SIGTERM). */
let interrupted = false;

type Row = 'upNode' | 'upCurl' | 'upCurlRaw' | 'upHttp' | 'downNode' | 'downCurl' | 'downCurlDisk' | 'downStoreWrite' | 'downHttp' | 'readFile';

async function main(): Promise<void> {
	const options = parseOptions(process.argv.slice(2));
	const started = Date.now();
	const loadBefore = loadavg()[0];
	const bigBytes = options.sizeMib * MiB;
	const tmp = mkdtempSync(join(tmpdir(), 'cloudreve-bench-'));
	let server: FakeCloudreve | undefined;
	const ownCpu = sampleOwnCpu();
	const cleanUp = async () => {
		ownCpu.stop();
		await stopLiveChildren();
		await server?.stop().catch(() => undefined);
		rmSync(tmp, { recursive: true, force: true });
	};
	const onSignal = () => {
		interrupted = true;
		log('interrupted: stopping children and the fake server, removing the temp folder');
		void cleanUp().then(() => process.exit(130));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

	try {
		log('[1/6] n8n 2.41.1: checking the cached install (the first time takes a few minutes)');
		const install = ensureN8n(2);
		const inputDir = join(tmp, 'input');
		mkdirSync(inputDir);
		// n8n 2.x only reads files below N8N_RESTRICT_FILE_ACCESS_TO; filesystem mode streams binaries to disk.
		const home = new N8nHome(install, join(tmp, 'n8n-home'), { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', N8N_RESTRICT_FILE_ACCESS_TO: inputDir });
		const storage = join(home.userFolder, '.n8n', 'storage');
		// Each execution leaves its binaries (up to 2 GiB) in n8n's store: drop them between runs.
		const dropBinaries = () => rmSync(storage, { recursive: true, force: true });

		log('[2/6] building and packing n8n-nodes-cloudreve, installing it into a temporary n8n user folder');
		installPackedPackage(home.userFolder);
		const machine = await describeMachine(home);
		const sections: string[][] = [];

		if (options.only !== 'files') {
			log(`[requests] Add Offline Download: ${options.requestSizes.join(', ')} items against fake Cloudreve ${options.requestVersions.join(' and ')} (${elapsed()})`);
			sections.push(formatRequestSection(await runRequestSection(home, { versions: options.requestVersions, sizes: options.requestSizes }, elapsed)));
		}
		if (options.only === 'requests') {
			printTable(machine, options, started, loadBefore, sections);
			return;
		}

		const sizes = [...new Set([...MEMORY_SIZES_MIB, READ_ONLY_MIB, options.sizeMib])];
		log(`[3/6] writing input files (${sizes.join(', ')} MiB) into ${inputDir}`);
		const inputs = new Map<number, { path: string; sha256: string }>();
		for (const sizeMib of sizes) {
			const path = join(inputDir, `in-${sizeMib}m.bin`);
			inputs.set(sizeMib, { path, sha256: writeInputFile(path, sizeMib * MiB) });
		}
		const big = inputs.get(options.sizeMib)!;

		server = new FakeCloudreve({ version: CLOUDREVE_VERSION, storagePolicy: 'local', chunkSize: CHUNK_SIZE, lifetimeMs: 3 * 3600_000 });
		await server.start();
		const fake = server;
		const client = new CloudreveV3Client(fake.url);
		await client.login(DEMO_USER.email, DEMO_USER.password);
		fake.addFolder('/bench');
		// The HTTP Request baseline writes into an existing file (PUT /file/update/:id needs one).
		const httpPath = '/bench/http-request.bin';
		const httpFile = fake.addFile(httpPath, '');
		log(`[4/6] fake Cloudreve ${CLOUDREVE_VERSION} at ${fake.url}; importing the credential and the workflows`);
		await home.importCredentials([cloudreveCredential(CREDENTIAL_ID, { serverUrl: fake.url, email: DEMO_USER.email, password: DEMO_USER.password, apiVersion: 'auto' })]);
		await home.importWorkflows([
			...[...MEMORY_SIZES_MIB, options.sizeMib].map((sizeMib) => cloudreveWorkflow(workflowIdFor(sizeMib), CREDENTIAL_ID, inputs.get(sizeMib)!.path, fileNameFor(sizeMib))),
			httpRequestWorkflow('benchHttpRequest', big.path, fake.url, client.cookie, httpFile.id),
			readOnlyWorkflow('benchReadOnly256', inputs.get(READ_ONLY_MIB)!.path),
		]);

		/** The server holds what it received: check it byte for byte, then let it go (1 GiB each). */
		const verifyAndDrop = (path: string, sha256: string, what: string, keepNode = false) => {
			const stored = fake.sha256(path);
			if (stored !== sha256) throw new Error(`${what}: the server's ${path} does not match the input (sha256 ${stored ?? 'missing'})`);
			if (keepNode) fake.entry(path)!.chunks = [];
			else fake.tree(DEMO_USER.email).delete(path);
		};
		const checkOutput = (execution: Execution, node: string, bytes: number) => {
			const got = outputBytes(execution.run, node);
			if (got !== undefined && got !== bytes) throw new Error(`${node} put out ${got} bytes, expected ${bytes}`);
		};
		/** A node's time and the CPU the n8n process and the server used while it ran. */
		const nodeMeasure = (execution: Execution, first: string, last = first): Measure => {
			const from = execution.nodeWindow[first][0];
			const to = execution.nodeWindow[last][1];
			return { ms: to - from, clientCpu: execution.cpu!.between(from, to), serverCpu: ownCpu.timeline.between(from, to) };
		};
		const storeWriteOnce = async (url: string, output: string): Promise<Measure> => {
			const run = await runProcess(join(install.nodeDir, 'bin', 'node'), ['-e', STORE_WRITE_SCRIPT, url, output], { watch: true });
			const reported = JSON.parse(run.stdout.trim() || '{}') as { ms?: number; bytes?: number };
			if (run.code !== 0 || reported.bytes !== bigBytes) throw new Error(`the plain Node.js download wrote ${reported.bytes} bytes (exit ${run.code}): ${run.stderr}`);
			return { ms: reported.ms!, clientCpu: run.cpu!.total, serverCpu: ownCpu.timeline.between(run.startedAt, run.endedAt) };
		};
		const curlMeasure = (ms: number, from: number, to: number, curlCpu: CpuTimeline): Measure => ({
			ms,
			clientCpu: curlCpu.total,
			serverCpu: ownCpu.timeline.between(from, to),
		});

		const results: Array<Record<Row, Measure>> = [];
		const bigPeaks: number[] = [];
		for (let round = 1; round <= options.rounds; round++) {
			const result = {} as Record<Row, Measure>;
			// ---- the Cloudreve node: throughput and the big memory point in one run
			log(`[5/6] round ${round}/${options.rounds}: Cloudreve node, Read File → Upload → Download of ${options.sizeMib} MiB (${elapsed()})`);
			const nodeRun = await executeWorkflow(home, workflowIdFor(options.sizeMib));
			dropBinaries();
			checkOutput(nodeRun, 'Download', bigBytes);
			bigPeaks.push(nodeRun.peakRss ?? NaN);
			result.readFile = nodeMeasure(nodeRun, 'Read File');
			result.upNode = nodeMeasure(nodeRun, 'Upload');
			result.downNode = nodeMeasure(nodeRun, 'Download');

			// ---- curl downloads the very file the node downloaded (same layout in the server's memory)
			log(`[5/6] round ${round}/${options.rounds}: curl downloads, chunk upload, raw-body upload (${elapsed()})`);
			const nodePath = `/bench/${fileNameFor(options.sizeMib)}`;
			const nodeFileId = fake.entry(nodePath)!.id;
			const downloadOnce = async (output: string): Promise<Measure> => {
				const url = await client.downloadUrl(nodeFileId);
				const config = join(tmp, 'curl-download.cfg');
				writeFileSync(config, curlBlock([...CURL_COMMON.filter(([name]) => name !== 'output'), ['output', output], ['url', url]]));
				const run = await curl(config);
				if (run.transfers[0]?.downloaded !== bigBytes) throw new Error(`curl downloaded ${run.transfers[0]?.downloaded} bytes, expected ${bigBytes}`);
				return curlMeasure(run.transfers[0].seconds * 1000, run.result.startedAt, run.result.endedAt, run.result.cpu!);
			};
			result.downCurl = await downloadOnce('/dev/null');
			// For scale: the same GET into a file next to n8n's binary store (what the disk allows).
			const diskCopy = join(home.userFolder, 'curl-download.bin');
			result.downCurlDisk = await downloadOnce(diskCopy);
			rmSync(diskCopy, { force: true });
			// The ceiling of any n8n node: n8n's filesystem store writes a stream with
			// fs.promises.writeFile (FsByteStore.write); here without n8n, on n8n's own Node.js.
			result.downStoreWrite = await storeWriteOnce(await client.downloadUrl(nodeFileId), diskCopy);
			rmSync(diskCopy, { force: true });
			verifyAndDrop(nodePath, big.sha256, 'Cloudreve node upload');

			// ---- curl: the upload session's chunks, exactly the requests the node sends
			const chunkDir = join(tmp, 'chunks');
			mkdirSync(chunkDir);
			const split = await runProcess('split', ['-b', String(CHUNK_SIZE), '-d', '-a', '4', big.path, join(chunkDir, 'c.')]);
			if (split.code !== 0) throw new Error(`split failed: ${split.stderr}`);
			const chunkFiles = readdirSync(chunkDir).sort();
			const curlPath = '/bench/curl-chunks.bin';
			const upStart = Date.now();
			const upStartHr = process.hrtime.bigint();
			// Timed from the session's creation, like the node's own time includes it.
			const session = await client.uploadSession('/bench', 'curl-chunks.bin', bigBytes);
			if (session.chunkSize !== CHUNK_SIZE) throw new Error(`the server's chunk size is ${session.chunkSize}, expected ${CHUNK_SIZE}`);
			const configUp = join(tmp, 'curl-chunks.cfg');
			writeFileSync(
				configUp,
				chunkFiles
					.map((file, index) =>
						curlBlock([
							...CURL_COMMON,
							['url', `${fake.url}/api/v3/file/upload/${session.sessionId}/${index}`],
							['header', 'Content-Type: application/octet-stream'],
							['header', `Cookie: ${client.cookie}`],
							['data-binary', `@${join(chunkDir, file)}`],
						]),
					)
					.join('\nnext\n'),
			);
			const chunks = await curl(configUp);
			const upMs = Number(process.hrtime.bigint() - upStartHr) / 1e6;
			const sent = chunks.transfers.reduce((sum, transfer) => sum + transfer.uploaded, 0);
			if (sent !== bigBytes || chunks.transfers.length !== chunkFiles.length) throw new Error(`curl sent ${sent} bytes in ${chunks.transfers.length} chunks`);
			result.upCurl = curlMeasure(upMs, upStart, chunks.result.endedAt, chunks.result.cpu!);
			rmSync(chunkDir, { recursive: true, force: true });
			verifyAndDrop(curlPath, big.sha256, 'curl chunk upload');

			// ---- curl: the whole file as one body, the request the HTTP Request baseline sends
			const configRaw = join(tmp, 'curl-raw.cfg');
			writeFileSync(
				configRaw,
				curlBlock([
					...CURL_COMMON,
					['url', `${fake.url}/api/v3/file/update/${httpFile.id}`],
					['header', 'Content-Type: application/octet-stream'],
					['header', `Cookie: ${client.cookie}`],
					// --upload-file (a PUT that streams from disk): --data-binary @file loads the file
					// into memory first, and curl refuses that for 1 GiB and more ("out of memory").
					['upload-file', big.path],
				]),
			);
			const raw = await curl(configRaw);
			if (raw.transfers[0]?.uploaded !== bigBytes) throw new Error(`curl sent ${raw.transfers[0]?.uploaded} bytes as one body`);
			result.upCurlRaw = curlMeasure(raw.transfers[0].seconds * 1000, raw.result.startedAt, raw.result.endedAt, raw.result.cpu!);
			verifyAndDrop(httpPath, big.sha256, 'curl raw upload', true);

			// ---- n8n's HTTP Request node, same input node, same server
			log(`[5/6] round ${round}/${options.rounds}: HTTP Request node, Read File → PUT body → download link → GET as File (${elapsed()})`);
			const httpRun = await executeWorkflow(home, 'benchHttpRequest');
			dropBinaries();
			checkOutput(httpRun, 'HTTP Download', bigBytes);
			verifyAndDrop(httpPath, big.sha256, 'HTTP Request upload', true);
			result.upHttp = nodeMeasure(httpRun, 'HTTP Upload');
			// A user's workflow needs the link first, as the node does inside its own time.
			result.downHttp = nodeMeasure(httpRun, 'HTTP Download Link', 'HTTP Download');
			results.push(result);
		}

		// ---- memory: the same Cloudreve workflow at 1, 64, 256 MiB, and Read File alone
		log(`[6/6] memory: the Cloudreve workflow at ${MEMORY_SIZES_MIB.join(', ')} MiB, Read File alone at ${READ_ONLY_MIB} MiB (${elapsed()})`);
		// Each size's peak is the median of as many runs as there are rounds (the big file's runs are
		// the throughput rounds): one busy moment elsewhere on the machine should not decide it.
		const peakRuns = new Map<number, number[]>([[options.sizeMib, bigPeaks]]);
		for (let round = 1; round <= options.rounds; round++) {
			for (const sizeMib of MEMORY_SIZES_MIB.filter((size) => size !== options.sizeMib)) {
				const run = await executeWorkflow(home, workflowIdFor(sizeMib));
				dropBinaries();
				checkOutput(run, 'Download', sizeMib * MiB);
				verifyAndDrop(`/bench/${fileNameFor(sizeMib)}`, inputs.get(sizeMib)!.sha256, `Cloudreve node upload of ${sizeMib} MiB`);
				peakRuns.set(sizeMib, [...(peakRuns.get(sizeMib) ?? []), run.peakRss ?? NaN]);
			}
		}
		for (const runs of peakRuns.values()) runs.sort((a, b) => a - b);
		const peaks = new Map([...peakRuns].map(([sizeMib, runs]) => [sizeMib, runs[Math.floor((runs.length - 1) / 2)]]));
		const readOnly = await executeWorkflow(home, 'benchReadOnly256');
		dropBinaries();

		const best = {} as Record<Row, Measure>;
		for (const row of Object.keys(results[0]) as Row[]) best[row] = results.map((result) => result[row]).reduce((a, b) => (b.ms < a.ms ? b : a));
		sections.push(fileSection({
			options,
			bytes: bigBytes,
			best,
			peaks,
			peakRuns,
			readOnlyPeak: readOnly.peakRss ?? NaN,
		}));
		printTable(machine, options, started, loadBefore, sections);
	} finally {
		await cleanUp();
	}
}

interface Report {
	options: Options;
	bytes: number;
	best: Record<Row, Measure>;
	/** Each size's median peak. */
	peaks: Map<number, number>;
	/** Each size's peaks, one per round, sorted. */
	peakRuns: Map<number, number[]>;
	readOnlyPeak: number;
}

const LABELS: Record<Row, string> = {
	upNode: 'Cloudreve node (File → Upload)',
	upCurl: 'curl, upload-session chunks (--data-binary @chunk)',
	upCurlRaw: 'curl, one raw body (-T, PUT /file/update)',
	upHttp: 'HTTP Request node (body: n8n Binary File)',
	downNode: 'Cloudreve node (File → Download)',
	downCurl: 'curl -o /dev/null (GET of the signed URL)',
	downCurlDisk: 'curl -o file next to n8n\'s binary store',
	downStoreWrite: 'Node.js alone: GET → fs.promises.writeFile (n8n\'s store)',
	downHttp: 'HTTP Request node (link + GET, response: File)',
	readFile: 'n8n Read File (disk → binary store)',
};

/** The one table: where and what it ran on, then each section measured. */
function printTable(machine: Machine, options: Options, started: number, loadBefore: number, sections: string[][]): void {
	const out: string[] = [];
	const line = (text = '') => out.push(text);
	const only = options.only ? ` --only ${options.only}` : '';
	line(`Cloudreve node benchmark (npm run bench${only}), ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, whole run ${((Date.now() - started) / 1000).toFixed(0)} s`);
	line(`Machine: nproc ${machine.nproc}, ${machine.cpuModel}, ${machine.memoryGiB.toFixed(1)} GiB RAM, load average ${loadBefore.toFixed(1)} at start / ${loadavg()[0].toFixed(1)} at end`);
	line(`Software: n8n ${machine.n8nVersion} on Node ${machine.n8nNodeVersion}; bench and fake server on Node ${machine.nodeVersion} in one process on 127.0.0.1; ${machine.curlVersion}`);
	for (const section of sections) {
		line();
		out.push(...section);
	}
	process.stdout.write(`${out.join('\n')}\n`);
}

/** The file-transfer section: throughput and memory. */
function fileSection(report: Report): string[] {
	const { options, best, bytes } = report;
	const out: string[] = [];
	const line = (text = '') => out.push(text);
	const sizeText = options.sizeMib === 1024 ? '1 GiB' : `${options.sizeMib} MiB`;
	const chunkMb = CHUNK_SIZE / MB;
	const memoryGoal = 2 * chunkMb + 150;
	const rate = (m: Measure) => bytes / MiB / (m.ms / 1000);

	line(`Files: ${sizeText} upload and download through the node, and peak memory`);
	line(`Server: fake Cloudreve ${CLOUDREVE_VERSION} in the bench process on 127.0.0.1, local storage policy, chunk size ${CHUNK_SIZE / MiB} MiB; n8n binary data mode: filesystem`);
	line(`File: ${sizeText} of random bytes, read into n8n by "Read/Write Files from Disk". n8n times are the node's executionTime; best of ${options.rounds} round(s).`);
	line('CPU s: seconds of CPU the client (n8n process during that node, or curl) and the fake server used during the transfer.');
	line();
	const widths = [10, 60, 7, 8, 7, 7, 7, 16];
	const row = (cells: string[]) => line(cells.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' ').trimEnd());
	row(['', `Throughput, ${sizeText}`, 'time s', 'MiB/s', 'client', 'server', 'node/', 'goal']);
	row(['', '', '', '', 'CPU s', 'CPU s', 'this', '']);
	const show = (direction: string, key: Row, node?: Row, goal?: number) => {
		const m = best[key];
		const ratio = node ? rate(best[node]) / rate(m) : undefined;
		const verdict = ratio === undefined || goal === undefined ? '' : `≥ ${goal.toFixed(1)}x ${ratio >= goal ? 'met' : 'MISSED'}`;
		row([direction, LABELS[key], (m.ms / 1000).toFixed(2), rate(m).toFixed(1), m.clientCpu.toFixed(1), m.serverCpu.toFixed(1), ratio === undefined ? '' : `${ratio.toFixed(2)}x`, verdict]);
	};
	show('Upload', 'upNode');
	show('', 'upCurl', 'upNode', 0.5);
	show('', 'upCurlRaw', 'upNode');
	show('', 'upHttp', 'upNode', 1.0);
	show('Download', 'downNode');
	show('', 'downCurl', 'downNode', 0.5);
	show('', 'downCurlDisk', 'downNode', 0.5);
	show('', 'downStoreWrite', 'downNode');
	show('', 'downHttp', 'downNode', 1.0);
	show('Reference', 'readFile');
	// What storing costs anyone: the same client, the same bytes, into a file instead of nowhere.
	line(`           curl itself, writing into a file, reaches ${(rate(best.downCurlDisk) / rate(best.downCurl)).toFixed(2)}x its own speed to /dev/null.`);
	line();

	const base = report.peaks.get(1)!;
	row(['', 'Memory: peak RSS (VmHWM) of `n8n execute`', 'peak MB', 'growth', '', '', '', 'goal']);
	const sizes = [...report.peaks.keys()].sort((a, b) => a - b);
	for (const sizeMib of sizes) {
		const peak = report.peaks.get(sizeMib)!;
		const growth = (peak - base) / MB;
		const runs = report.peakRuns.get(sizeMib)!;
		const range = runs.length > 1 ? ` (median of ${(runs[0] / MB).toFixed(0)}…${(runs[runs.length - 1] / MB).toFixed(0)})` : '';
		const label = `Read File → Upload → Download, ${sizeMib} MiB${range}`;
		if (sizeMib === 1) row(['Memory', `${label} (baseline)`, (peak / MB).toFixed(0)]);
		else row(['', label, (peak / MB).toFixed(0), `+${growth.toFixed(0)}`, '', '', '', `≤ ${memoryGoal.toFixed(0)} ${growth <= memoryGoal ? 'met' : 'MISSED'}`]);
	}
	row(['Reference', `Read File alone, ${READ_ONLY_MIB} MiB`, (report.readOnlyPeak / MB).toFixed(0), `+${((report.readOnlyPeak - base) / MB).toFixed(0)}`]);
	const flatSizes = sizes.filter((s) => s >= 64);
	const flatPeaks = flatSizes.map((s) => report.peaks.get(s)!);
	const spread = (Math.max(...flatPeaks) - Math.min(...flatPeaks)) / MB;
	line(`Goals: growth over the 1 MiB run ≤ 2 × chunk (${chunkMb.toFixed(1)} MB) + 150 MB = ${memoryGoal.toFixed(0)} MB;`);
	line(`       flat in file size: ${flatSizes.join(', ')} MiB peaks within ${spread.toFixed(0)} MB of each other (goal ≤ 64 MB: ${spread <= 64 ? 'met' : 'MISSED'}). MB = 10^6 bytes;`);
	line(`       each peak is the median of ${options.rounds} run(s); Read File alone is one run.`);
	return out;
}

main().catch((error: Error) => {
	// After Ctrl+C, the measurement in progress fails because its process was stopped: no news.
	if (interrupted) return;
	process.stderr.write(`npm run bench failed: ${error.stack ?? error.message}\n`);
	process.exitCode = 1;
});
