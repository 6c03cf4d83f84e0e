/**
 * Run by test/e2e/buffer-pressure.test.ts with the Node.js that runs n8n 2.x (24.x): streams a file the
 * way the node does, over a heap the size of n8n's, and says how many full garbage collections that
 * took and what arrived. Plain JavaScript: it runs outside Jest, on the node's compiled core.
 *
 *   node gc-probe.js <compiled core folder> download|upload node|plain <MiB>
 *   node gc-probe.js <compiled core folder> release-check
 *
 * Prints one line of JSON: { majors, bytes, sha256, sent, expected } (the full collections while the
 * file moved, and what arrived against what was sent), or what `releasePiece` did to which piece.
 */
const { createHash } = require('crypto');
const { createReadStream, promises: fs, rmSync } = require('fs');
const http = require('http');
const { tmpdir } = require('os');
const { join } = require('path');
const { PerformanceObserver, constants } = require('perf_hooks');
const { Readable } = require('stream');

const [coreDir, direction, variant, mib] = process.argv.slice(2);
// Not a whole number of pieces or chunks: the last, shorter one counts too.
const size = Number(mib ?? 0) * 1024 * 1024 + 12_345;
const asTheNode = variant === 'node';
const { gatheredAsItArrives, releasePiece } = require(join(coreDir, 'buffer-pressure.js'));
const { chunksOf } = require(join(coreDir, 'chunks.js'));

// n8n's heap after start-up holds a few hundred MB of objects; a full collection marks all of them.
const heap = [];
for (let index = 0; index < 1_500_000; index++) heap.push({ index, name: `object ${index}`, list: [index] });

let majors = 0;
new PerformanceObserver((list) => {
	for (const entry of list.getEntries()) if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
}).observe({ entryTypes: ['gc'] });

/** The file's bytes, made before counting starts: no two 4-byte words alike, so a lost or repeated piece shows. */
const content = Buffer.alloc(size);
for (let at = 0; at + 4 <= size; at += 4) content.writeUInt32LE((at * 2654435761) >>> 0, at);
const expected = createHash('sha256').update(content).digest('hex');

async function download(file) {
	const server = http.createServer((request, response) => {
		response.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
		let sent = 0;
		const more = () => {
			while (sent < size) {
				const piece = content.subarray(sent, Math.min(sent + (4 << 20), size));
				sent += piece.length;
				if (!response.write(piece)) return void response.once('drain', more);
			}
			response.end();
		};
		more();
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const response = await new Promise((resolve, reject) => http.get({ host: '127.0.0.1', port: server.address().port }, resolve).on('error', reject));
		// What n8n's request helper hands a node for `encoding: 'stream'` (axios wraps the response).
		async function* pieces() {
			for await (const piece of response) yield piece;
		}
		const body = Readable.from(pieces(), { objectMode: false });
		const before = await collectedCount();
		// What n8n's filesystem binary store does with a stream (FsByteStore.write).
		await fs.writeFile(file, asTheNode ? gatheredAsItArrives(body, { arrivingPiecesAreFresh: true }) : body);
		await settle();
		return majors - before;
	} finally {
		server.close();
	}
}

async function upload(file) {
	await fs.writeFile(file, content);
	// What n8n's getBinaryStream gives in filesystem mode: a file stream of the asked piece size,
	// whose pieces are new Buffers nothing else holds (as upload.operation.ts declares it).
	// The first pieces are kept, to see afterwards whether the chunker freed them.
	const firstPieces = [];
	async function* watched(pieces) {
		for await (const piece of pieces) {
			if (firstPieces.length < 8) firstPieces.push(piece);
			yield piece;
		}
	}
	const source = {
		size,
		mimeType: 'application/octet-stream',
		read: async (pieceSize) => watched(createReadStream(file, { highWaterMark: pieceSize })),
		piecesAreFresh: true,
	};
	const hash = createHash('sha256');
	const chunkSize = 25 << 20;
	const before = await collectedCount();
	if (asTheNode) {
		for await (const chunk of chunksOf(source, chunkSize)) hash.update(chunk);
	} else {
		// The same loop as plain code would do it: one reused chunk, filled from 1 MiB pieces.
		const chunk = Buffer.allocUnsafeSlow(chunkSize);
		let filled = 0;
		for await (const piece of await source.read(1 << 20)) {
			let rest = piece;
			while (rest.length > 0) {
				const taken = rest.copy(chunk, filled, 0, Math.min(rest.length, chunk.length - filled));
				filled += taken;
				rest = rest.subarray(taken);
				if (filled === chunk.length) {
					hash.update(chunk);
					filled = 0;
				}
			}
		}
		if (filled > 0) hash.update(chunk.subarray(0, filled));
	}
	await settle();
	// A freed piece has the length 0.
	return { majors: majors - before, sha256: hash.digest('hex'), firstPieceLengths: firstPieces.map((piece) => piece.length) };
}

/**
 * Collects now (node --expose-gc), so that the collection of making `content` cannot fall into the
 * counted window, and returns the count to start from.
 */
async function collectedCount() {
	if (typeof global.gc === 'function') global.gc();
	await settle();
	return majors;
}

/** GC entries arrive asynchronously; give the last ones a moment. */
function settle() {
	return new Promise((resolve) => setTimeout(resolve, 100));
}

const file = join(tmpdir(), `cloudreve-gc-probe-${process.pid}.bin`);
// Stopped by the test's timeout: the file (up to 512 MiB) goes too.
process.once('SIGTERM', () => {
	rmSync(file, { force: true });
	process.exit(143);
});

/**
 * What `releasePiece` frees on this runtime: only a piece that spans its whole memory, never a view
 * into memory other Buffers share (Node's pool of small Buffers, a slice of a bigger piece).
 */
async function releaseCheck() {
	const whole = Buffer.allocUnsafeSlow(1 << 20).fill(7);
	const pooledNeighbour = Buffer.from('neighbour');
	const pooled = Buffer.from('pooled piece');
	const parent = Buffer.alloc(1 << 20, 9);
	const slice = parent.subarray(4096, 8192);
	// A download's arriving piece, gathered: freed once copied, its bytes still delivered.
	const stream = gatheredAsItArrives(new Readable({ read() {} }), { arrivingPiecesAreFresh: true });
	const arriving = Buffer.allocUnsafeSlow(64 * 1024).fill(5);
	stream.push(arriving);
	stream.push(null);
	const delivered = [];
	for await (const piece of stream) delivered.push(piece);
	const bytes = Buffer.concat(delivered);
	// Without being told the producer keeps nothing, nothing is freed.
	const untold = gatheredAsItArrives(new Readable({ read() {} }));
	const kept = Buffer.allocUnsafeSlow(64 * 1024).fill(6);
	untold.push(kept);
	untold.push(null);
	for await (const piece of untold) void piece;
	return {
		whole: { released: releasePiece(whole), lengthAfter: whole.length },
		pooled: { released: releasePiece(pooled), text: pooled.toString(), neighbour: pooledNeighbour.toString() },
		slice: { released: releasePiece(slice), sliceLength: slice.length, parentSum: parent.reduce((sum, byte) => sum + byte, 0) },
		gathered: { arrivingLengthAfter: arriving.length, deliveredLength: bytes.length, deliveredAllFives: bytes.every((byte) => byte === 5) },
		untold: { arrivingLengthAfter: kept.length, allSixes: kept.every((byte) => byte === 6) },
	};
}

async function main() {
	if (direction === 'release-check') return await releaseCheck();
	try {
		if (direction === 'download') {
			const counted = await download(file);
			const stored = await fs.readFile(file);
			return { majors: counted, bytes: stored.length, sha256: createHash('sha256').update(stored).digest('hex') };
		}
		const { majors: counted, sha256, firstPieceLengths } = await upload(file);
		return { majors: counted, bytes: size, sha256, firstPieceLengths };
	} finally {
		await fs.rm(file, { force: true });
	}
}

main().then(
	(result) => {
		process.stdout.write(`${JSON.stringify({ ...result, sent: size, expected, heapObjects: heap.length })}\n`);
	},
	(error) => {
		process.stderr.write(`${error.stack}\n`);
		process.exitCode = 1;
	},
);
