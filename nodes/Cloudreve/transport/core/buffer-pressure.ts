/**
 * Why streaming a big file through n8n was slow, and what wins the time back.
 *
 * Every piece of a streamed file is a Buffer whose bytes live outside V8's heap. V8 frees them only
 * when a garbage collection finds the Buffer dead, and it watches their total apart from the heap:
 * each time about 64 MB more of them exist than after the last full collection, it marks n8n's
 * whole heap (a few hundred MB of objects: 100 ms and more each). Streaming 1 GiB so cost some 30
 * full collections, half of an upload's or a download's time (npm run bench, profiled).
 *
 * A young-generation collection (a scavenge, about a millisecond) frees a dead young Buffer just as
 * well, but it runs only when the heap's young space fills up, and moving bytes allocates almost
 * no JS objects. So, for each byte streamed, this allocates some short-lived JS garbage: the
 * young space then fills long before 64 MB of pieces pile up, scavenges free the pieces already
 * sent or stored, and full collections stop (about 30 per GiB became 1 in a plain Node 24 process
 * with an n8n-sized heap; in npm run bench's profiles the collector's share of a transfer fell from
 * about 40 % to a few; checked by test/e2e/buffer-pressure.test.ts). It never touches the bytes: what a stream delivers, and in
 * which order, is unchanged.
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
 * Garbage bytes per streamed byte. Measured in Node 24 with a 280 MB heap, streaming 1 GiB over
 * HTTP into a file: 2 and more stopped the full collections in every run there, but in n8n one
 * round at 2 (and one at 4) was slow again, unexplained; 3 was the best measured.
 */
const GARBAGE_PER_BYTE = 3;

/** Where the garbage goes: exported, so that neither TypeScript nor the engine may leave it out. */
export let lastGarbage = '';
let owedBytes = 0;

/** To call for each piece of a big transfer, with its size in bytes. */
export function relieveBufferPressure(streamedBytes: number): void {
	if (!(streamedBytes > 0 && Number.isFinite(streamedBytes))) return;
	owedBytes += streamedBytes * GARBAGE_PER_BYTE;
	while (owedBytes >= GARBAGE_SOURCE.length) {
		lastGarbage = GARBAGE_SOURCE.toString('latin1');
		owedBytes -= GARBAGE_SOURCE.length;
	}
}

interface PushableStream {
	push(...args: unknown[]): boolean;
	pipe: unknown;
}

/**
 * Relieves the pressure of a readable stream's bytes as they arrive, by wrapping the instance's
 * own `push` (which Node's HTTP client and `Readable.from` call for each piece), with the very same
 * arguments. Anything that is not a readable stream is left as it is.
 */
export function relievedAsItArrives<T>(stream: T): T {
	const pushable = stream as unknown as Partial<PushableStream> | null | undefined;
	const push = pushable?.push;
	if (!pushable || typeof push !== 'function' || typeof pushable.pipe !== 'function') return stream;
	pushable.push = function (this: PushableStream, ...args: unknown[]): boolean {
		const length = (args[0] as { length?: unknown } | null | undefined)?.length;
		if (typeof length === 'number') relieveBufferPressure(length);
		return push.apply(this, args);
	};
	return stream;
}
