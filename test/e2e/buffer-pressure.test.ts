/**
 * Streamed transfers must not make n8n collect all its garbage every few dozen MB
 * (transport/core/buffer-pressure.ts). With the end-to-end suites: it needs n8n's Node.js and
 * about 1 GB of memory. Checked with the Node.js that runs n8n 2.x (Node 24: the
 * Node 20 of Jest schedules its collections differently, and has no ArrayBuffer.transfer), in a
 * separate process whose heap is n8n-sized: a download the way the node hands it to n8n's store
 * (`gatheredAsItArrives`), and an upload read the way `chunksOf` reads n8n's binary store (each
 * piece freed once copied), each once as the node does it and once without, counting full
 * collections and checking the bytes that arrived.
 */
import { execFile } from 'child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import * as ts from 'typescript';

import { REPO, ensureN8n } from '../../scripts/n8n-runtime';

const run = promisify(execFile);
/** Big enough for the plain runs to show their collections: ~2 bytes of Buffers per byte downloaded, 1 per byte read. */
const MIB = { download: 256, upload: 512 };
const CORE_FILES = ['buffer-pressure', 'chunks', 'errors', 'server'];

interface ProbeResult {
	majors: number;
	bytes: number;
	sha256: string;
	sent: number;
	expected: string;
	firstPieceLengths?: number[];
}

let node: string;
let coreDir: string;

beforeAll(() => {
	node = join(ensureN8n(2).nodeDir, 'bin', 'node');
	// The node's own core, compiled as the package ships it (n8n-workflow resolves from the repository).
	coreDir = join(REPO, '.tmp', 'gc-probe', 'core');
	rmSync(coreDir, { recursive: true, force: true });
	mkdirSync(coreDir, { recursive: true });
	for (const name of CORE_FILES) {
		const source = readFileSync(join(REPO, 'nodes', 'Cloudreve', 'transport', 'core', `${name}.ts`), 'utf8');
		const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true } });
		writeFileSync(join(coreDir, `${name}.js`), outputText);
	}
}, 30 * 60_000);

async function probe(direction: keyof typeof MIB, variant: 'node' | 'plain'): Promise<ProbeResult> {
	// --expose-gc: the probe starts counting from a collected heap.
	const { stdout } = await run(node, ['--expose-gc', join(__dirname, 'gc-probe.js'), coreDir, direction, variant, String(MIB[direction])], { timeout: 120_000, maxBuffer: 1024 * 1024 });
	return JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult;
}

it('frees a piece at once on this runtime only where the piece spans its own memory, and a gathered download piece once copied', async () => {
	const { stdout } = await run(node, [join(__dirname, 'gc-probe.js'), coreDir, 'release-check'], { timeout: 120_000 });
	const { whole, pooled, slice, gathered, untold } = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
	expect({ whole, pooled, slice, gathered, untold }).toEqual({
		whole: { released: true, lengthAfter: 0 },
		// Views into shared memory stay as they are, and so do their neighbours.
		pooled: { released: false, text: 'pooled piece', neighbour: 'neighbour' },
		slice: { released: false, sliceLength: 4096, parentSum: 9 * 1024 * 1024 },
		// A download's arriving piece, once gathered, is freed; its bytes still arrive.
		gathered: { arrivingLengthAfter: 0, deliveredLength: 64 * 1024, deliveredAllFives: true },
		// Unless the caller says the producer keeps nothing, an arriving piece is left as it is.
		untold: { arrivingLengthAfter: 64 * 1024, allSixes: true },
	});
}, 180_000);

describe.each(['download', 'upload'] as const)('a %s through a heap the size of n8n’s', (direction) => {
	it('takes at most 2 full garbage collections as the node moves it, against 4 or more done plainly, and every byte arrives', async () => {
		const node = await probe(direction, 'node');
		const plain = await probe(direction, 'plain');
		for (const result of [node, plain]) {
			expect(result.sent).toBeGreaterThan(MIB[direction] * 1024 * 1024);
			expect({ bytes: result.bytes, sha256: result.sha256 }).toEqual({ bytes: result.sent, sha256: result.expected });
		}
		// Without the node's measures this runtime collects everything every 64 MB of Buffers (6 to 8 times
		// here): if that ever stops, they have become dead weight and should go.
		expect(plain.majors).toBeGreaterThanOrEqual(4);
		expect(node.majors).toBeLessThanOrEqual(2);
		// An upload frees each piece read from n8n's store once copied (the first 8 of 513 are kept to see it).
		if (direction === 'upload') expect({ node: node.firstPieceLengths, plain: plain.firstPieceLengths }).toEqual({ node: Array(8).fill(0), plain: Array(8).fill(1024 * 1024) });
	}, 300_000);
});
