/**
 * Why streaming a big file through n8n was slow, and what wins the time back.
 *
 * Every piece of a streamed file is a Buffer whose bytes live outside V8's heap. V8 frees them only
 * when a garbage collection finds the Buffer dead, and it watches their total apart from the heap:
 * each time about 64 MB more of them exist than after the last full collection, it marks n8n's
 * whole heap (a few hundred MB of objects: 100 ms and more each). Streaming 1 GiB so cost some 30
 * full collections, half of an upload's or a download's time (npm run bench, profiled).
 *
 * Three remedies, each where it is safe (checked by test/e2e/buffer-pressure.test.ts):
 * - A piece the node alone holds and has copied is freed at once (`releasePiece`): an upload's
 *   pieces read from n8n's store, a download's pieces as they arrive from the socket (Node 21+).
 * - Pieces handed on to n8n (a download, into n8n's store) cannot be freed by the node. For those,
 *   the node allocates short-lived JS garbage, 3 bytes per byte (`relieveBufferPressure`): the
 *   young space then fills long before 64 MB of pieces pile up, and young-generation collections
 *   (about a millisecond each) free the pieces already stored. About 30 full collections per GiB
 *   became 1 in a plain Node 24 process with an n8n-sized heap.
 * - A download reaches n8n's store in 512 KiB pieces rather than the socket's 64 KiB
 *   (`gatheredAsItArrives`): n8n writes each piece with its own awaited write.
 * None of them changes the bytes a stream delivers, or their order; a download's bytes reach the
 * store gathered.
 */

/**
 * The garbage: a 32 KiB string copied out of this Buffer, young and unreachable at once. Not an
 * array: V8 may decide, after start-up has kept many objects alive, to allocate everything from an
 * array literal's or constructor's site directly in the old space (pretenuring), where it fills
 * the heap instead of the young space (seen in 4 of 6 runs). Strings decoded from a Buffer have no
 * such site.
 */
const GARBAGE_SOURCE = Buffer.alloc(32 * 1024, 0x20);

/**
 * Garbage bytes per byte handed on. Measured in Node 24 with a 280 MB heap, streaming 1 GiB over
 * HTTP into a file: 2 and more stopped the full collections in every run there, but in n8n one
 * round at 2 (and one at 4) was slow again, unexplained; 3 was the best measured.
 */
const GARBAGE_PER_BYTE = 3;

/** Where the garbage goes: exported, so that neither TypeScript nor the engine may leave it out. */
export let lastGarbage = '';
let owedBytes = 0;

/** To call for each piece of a big transfer that the node cannot free itself, with its size in bytes. */
export function relieveBufferPressure(streamedBytes: number): void {
	if (!(streamedBytes > 0 && Number.isFinite(streamedBytes))) return;
	owedBytes += streamedBytes * GARBAGE_PER_BYTE;
	while (owedBytes >= GARBAGE_SOURCE.length) {
		lastGarbage = GARBAGE_SOURCE.toString('latin1');
		owedBytes -= GARBAGE_SOURCE.length;
	}
}

/** `ArrayBuffer.prototype.transfer`: Node 21 and later (n8n 2.x runs on Node 24; n8n 1.x on 20 to 24). */
type TransferableArrayBuffer = ArrayBufferLike & { transfer?: (newLength?: number) => ArrayBuffer };

/**
 * Frees a piece's memory at once, where that is safe and possible: better than any collection,
 * sooner and at no cost. Only for a piece its reader owns (nothing else holds it: see
 * `UploadSource.piecesAreFresh`) and has finished with. Frees nothing, and says false, where the
 * piece is a view into larger memory (Node's pool of small Buffers, a slice) or the runtime cannot
 * do it: the caller then relieves the pressure with garbage instead.
 */
export function releasePiece(piece: Uint8Array): boolean {
	const memory = piece.buffer as TransferableArrayBuffer;
	if (typeof memory.transfer !== 'function' || piece.byteOffset !== 0 || piece.byteLength !== memory.byteLength) return false;
	try {
		// A transfer to length 0 detaches the piece's memory and frees it, and tells V8 so.
		memory.transfer(0);
		return true;
	} catch {
		return false; // memory Node marked as not detachable
	}
}

/**
 * The size of the pieces a download is handed to n8n's store in. The store writes every piece
 * with its own awaited write, a round trip through the thread pool each. Node 24 writing 1 GiB from
 * memory into a file: 520-690 MiB/s in 64 KiB pieces (a socket's), 1,460-1,580 in 512 KiB; a local
 * GET the way n8n's request helper streams it, into that write, with an n8n-sized heap: 430-560
 * MiB/s as it arrives, 590-680 gathered (256 KiB and 1 MiB close, 4 MiB slower).
 */
const GATHERED_PIECE_BYTES = 512 * 1024;

/**
 * Gathered bytes that waited this long go on with the next piece, even short of 512 KiB: a slow
 * download still reaches the store steadily, and n8n's store, which fails a body that sends
 * nothing for a while (N8N_HTTP_RESPONSE_BODY_READ_TIMEOUT), sees it move.
 */
const GATHER_WAIT_MS = 1000;

interface PushableStream {
	push(...args: unknown[]): boolean;
	pipe: unknown;
	destroyed?: boolean;
	readableObjectMode?: boolean;
	readableLength?: number;
	readableHighWaterMark?: number;
	/** Node's own state; object mode is only there in old `readable-stream` copies. */
	_readableState?: { objectMode?: boolean };
}

/**
 * Gathers a readable stream's bytes, as they arrive, into pieces of 512 KiB, by wrapping the
 * instance's own `push`: no stream is added, and the consumer gets the same bytes in the same
 * order, in fewer pieces. Bytes that waited a second go on with the next piece that arrives (or
 * the end), so a slow download still reaches the store piece by piece. For producers that push
 * as long as `push` says so and without being asked again: Node's HTTP message, zlib,
 * `Readable.from` (n8n 2.x hands a response body over as `Readable.from` of the HTTP message,
 * n8n 1.x the message itself). A producer that pushes once per read would wait forever for a
 * read that a gathering push never causes.
 *
 * With `arrivingPiecesAreFresh`, each arriving piece is freed once copied. Only for a producer that
 * does not use a piece again once pushed: an HTTP message's pieces are copies of their own, and
 * `Readable.from` of one passes them on; zlib's are views into a buffer it goes on filling, which
 * `releasePiece` leaves alone (unless one spans a whole buffer, which zlib then replaces). A freed
 * piece was copied, and no consumer ever saw it (a piece of 512 KiB or more arriving with nothing
 * gathered goes on as it is, and is not freed). Every byte left to the collector (gathered pieces, and
 * arriving pieces not freed) relieves it. Strings and the end are passed on as they come, after
 * the bytes gathered so far; object-mode streams, and anything that is not a readable stream, are
 * left as they are.
 */
export function gatheredAsItArrives<T>(stream: T, { arrivingPiecesAreFresh = false } = {}): T {
	const pushable = stream as unknown as Partial<PushableStream> | null | undefined;
	const push = pushable?.push;
	if (!pushable || typeof push !== 'function' || typeof pushable.pipe !== 'function') return stream;
	if (pushable.readableObjectMode === true || pushable._readableState?.objectMode === true) return stream;
	/**
	 * Bytes are gathered into `gathered` up to `filled`; those before `handedUpTo` are already on.
	 * A piece handed on early is a view of the same memory, and the next bytes go after it: a
	 * store that keeps every piece until the end (n8n's database and S3 modes) then holds what
	 * arrived, not 512 KiB per piece.
	 */
	let gathered: Buffer | undefined;
	let filled = 0;
	let handedUpTo = 0;
	let waitingSince = 0;
	/** Once the end was pushed, anything later goes straight through, for Node to refuse. */
	let ended = false;
	const handOn = (target: PushableStream): boolean => {
		const piece = handedUpTo === 0 && filled === gathered!.length ? gathered! : gathered!.subarray(handedUpTo, filled);
		handedUpTo = filled;
		if (filled === gathered!.length) {
			gathered = undefined;
			filled = 0;
			handedUpTo = 0;
		}
		relieveBufferPressure(piece.length);
		return push.call(target, piece);
	};
	pushable.push = function (this: PushableStream, ...args: unknown[]): boolean {
		const arriving = args[0];
		if (ended || this.destroyed === true || !(arriving instanceof Uint8Array) || arriving.length === 0) {
			if (filled > handedUpTo && !ended && this.destroyed !== true) handOn(this);
			if (arriving === null) ended = true;
			return push.apply(this, args);
		}
		if (filled === handedUpTo && arriving.length >= GATHERED_PIECE_BYTES) {
			// Big enough already: on as it is, with no copy.
			relieveBufferPressure(arriving.length);
			return push.apply(this, args);
		}
		let wantsMore = true;
		let handedOn = false;
		for (let offset = 0; offset < arriving.length; ) {
			gathered ??= Buffer.allocUnsafeSlow(GATHERED_PIECE_BYTES);
			if (filled === handedUpTo) waitingSince = performance.now();
			const taken = Math.min(arriving.length - offset, gathered.length - filled);
			gathered.set(arriving.subarray(offset, offset + taken), filled);
			offset += taken;
			filled += taken;
			if (filled === gathered.length) {
				wantsMore = handOn(this) && wantsMore;
				handedOn = true;
			}
		}
		if (filled > handedUpTo && performance.now() - waitingSince >= GATHER_WAIT_MS) {
			wantsMore = handOn(this) && wantsMore;
			handedOn = true;
		}
		if (!(arrivingPiecesAreFresh && releasePiece(arriving))) relieveBufferPressure(arriving.length);
		if (handedOn) return wantsMore;
		// Only gathered: more is welcome as Node's own push would say it.
		const holding = this.readableLength ?? 0;
		return holding < (this.readableHighWaterMark ?? 1) || holding === 0;
	};
	return stream;
}
