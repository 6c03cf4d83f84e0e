/**
 * A file's bytes cut into the exact chunk sizes Cloudreve and the storages check (40013, S3 part
 * sizes). n8n's filesystem store yields pieces of about the asked size, its database store the
 * whole file at once (n8n-wave2 §1.1), so pieces are re-sliced, never trusted. At most one chunk
 * plus one piece is held; each chunk is one Buffer, so that it can be sent again after a re-login
 * (a stream could not, n8n-wave2 §1.4).
 */
import type { UploadSource } from '../contract';
import { CloudreveError } from './errors';

/**
 * The piece size asked of the source. Not the chunk size when that is large: a relayed upload is
 * one chunk of the whole file, and n8n's filesystem store reads pieces of the asked size.
 */
const MAX_PIECE_BYTES = 8 * 1024 * 1024;

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

async function* slice(pieces: AsyncIterable<Buffer | Uint8Array>, chunkSize: number): AsyncGenerator<Buffer> {
	// Pieces are gathered and joined once per chunk: joining on every piece would be quadratic.
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	for await (const piece of pieces) {
		let rest = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
		while (pendingBytes + rest.length >= chunkSize) {
			const take = chunkSize - pendingBytes;
			pending.push(rest.subarray(0, take));
			rest = rest.subarray(take);
			yield pending.length === 1 ? pending[0] : Buffer.concat(pending, chunkSize);
			pending = [];
			pendingBytes = 0;
		}
		if (rest.length > 0) {
			pending.push(rest);
			pendingBytes += rest.length;
		}
	}
	if (pendingBytes > 0) yield pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
}

/**
 * The source's bytes in chunks of exactly `chunkSize` (the last one shorter), checked against the
 * declared size: a server that waits for bytes that never come would keep a placeholder forever.
 */
export async function* chunksOf(source: UploadSource, chunkSize: number): AsyncGenerator<Buffer> {
	let sent = 0;
	for await (const chunk of slice(await source.read(Math.min(chunkSize, MAX_PIECE_BYTES)), chunkSize)) {
		sent += chunk.length;
		if (sent > source.size) throw sizeMismatch(source.size, `more than ${source.size}`);
		yield chunk;
	}
	if (sent !== source.size) throw sizeMismatch(source.size, String(sent));
}

/** All of the source in one Buffer, for the requests that take the whole body (at most 50 MiB here). */
export async function wholeBody(source: UploadSource): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of chunksOf(source, Math.max(source.size, 1))) chunks.push(chunk);
	return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
