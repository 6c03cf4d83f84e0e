/**
 * A file's bytes cut into the exact chunk sizes Cloudreve and the storages check (40013, S3 part
 * sizes). n8n's filesystem store yields pieces of about the asked size, its database store the
 * whole file at once (n8n-wave2 §1.1), so pieces are re-sliced, never trusted. At most one chunk
 * plus one piece is held; a chunk is a Buffer, so that it can be sent again after a re-login (a
 * stream could not, n8n-wave2 §1.4).
 */
import type { UploadSource } from '../contract';
import { releasePiece, relieveBufferPressure } from './buffer-pressure';
import { CloudreveError } from './errors';

/**
 * The piece size asked of the source. Not the chunk size when that is large: a relayed upload is
 * one chunk of the whole file, and n8n's filesystem store reads pieces of the asked size.
 */
const MAX_PIECE_BYTES = 1024 * 1024;

/** Cloudreve's chunk size 0 means "the whole file in one request". */
export function effectiveChunkSize(chunkSize: unknown, fileSize: number): number {
	const size = typeof chunkSize === 'number' && Number.isFinite(chunkSize) ? Math.floor(chunkSize) : 0;
	return size > 0 ? size : Math.max(fileSize, 1);
}

export function chunkCount(fileSize: number, chunkSize: number): number {
	return Math.max(1, Math.ceil(fileSize / chunkSize));
}

function sizeMismatch(declared: number, actual: string): CloudreveError {
	return new CloudreveError(`The binary data holds ${actual} bytes, but its size says ${declared}`, {
		description: 'The file changed while it was read, or a previous node set a wrong file size. Run the item again.',
		kind: 'config',
	});
}

/**
 * The source's bytes in chunks of exactly `chunkSize` (the last one shorter), checked against the
 * declared size: a server that waits for bytes that never come would keep a placeholder forever.
 *
 * Every chunk is the SAME buffer, filled anew: a fresh chunk-sized buffer per chunk made n8n's
 * process collect garbage every few chunks and grow by about a chunk per chunk in flight (npm run
 * bench). So a caller must be done with a chunk (its request answered) before it asks for the
 * next one, and must copy what it keeps.
 */
export async function* chunksOf(source: UploadSource, chunkSize: number): AsyncGenerator<Buffer> {
	const chunk = Buffer.allocUnsafeSlow(Math.max(1, Math.min(chunkSize, source.size)));
	let filled = 0;
	let read = 0;
	for await (const piece of await source.read(Math.min(chunkSize, MAX_PIECE_BYTES))) {
		const whole = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
		read += whole.length;
		if (read > source.size) throw sizeMismatch(source.size, `more than ${source.size}`);
		let rest = whole;
		while (rest.length > 0) {
			const taken = rest.copy(chunk, filled, 0, Math.min(rest.length, chunk.length - filled));
			filled += taken;
			rest = rest.subarray(taken);
			if (filled === chunk.length) {
				yield chunk;
				filled = 0;
			}
		}
		// Copied: the piece is dead. Freed now where the source allows it, else left to a collection.
		if (!(source.piecesAreFresh === true && releasePiece(whole))) relieveBufferPressure(whole.length);
	}
	if (read !== source.size) throw sizeMismatch(source.size, String(read));
	if (filled > 0) yield chunk.subarray(0, filled);
}

/** All of the source in one Buffer, for the requests that take the whole body (at most 50 MiB here). */
export async function wholeBody(source: UploadSource): Promise<Buffer> {
	// One chunk of the whole size: the buffer is this call's own, no copy needed.
	for await (const chunk of chunksOf(source, Math.max(source.size, 1))) return chunk;
	return Buffer.alloc(0);
}
