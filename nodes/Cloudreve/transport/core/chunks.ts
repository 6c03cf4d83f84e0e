/**
 * Cuts a file's bytes, arriving in pieces of any size (n8n's filesystem store yields about the
 * asked size, its database store the whole file at once), into the exact chunk sizes Cloudreve
 * checks (40013), without ever holding more than one chunk plus one piece.
 */
export async function* exactChunks(pieces: AsyncIterable<Buffer>, chunkSize: number): AsyncGenerator<Buffer> {
	let pending: Buffer[] = [];
	let pendingBytes = 0;
	for await (const piece of pieces) {
		let rest = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
		while (pendingBytes + rest.length >= chunkSize) {
			const take = chunkSize - pendingBytes;
			pending.push(rest.subarray(0, take));
			rest = rest.subarray(take);
			// One copy per chunk; a chunk must be a Buffer of its own so that it can be sent again.
			yield Buffer.concat(pending, chunkSize);
			pending = [];
			pendingBytes = 0;
		}
		if (rest.length > 0) {
			pending.push(rest);
			pendingBytes += rest.length;
		}
	}
	if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

/** The chunk size to cut at: Cloudreve's 0 means "the whole file in one request". */
export function effectiveChunkSize(chunkSize: unknown, fileSize: number): number {
	const size = typeof chunkSize === 'number' && Number.isFinite(chunkSize) ? chunkSize : 0;
	return size > 0 ? size : Math.max(fileSize, 1);
}

/** All bytes of a source in one Buffer, for the few requests that take the whole body at once. */
export async function wholeBody(pieces: AsyncIterable<Buffer>): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const piece of pieces) parts.push(Buffer.isBuffer(piece) ? piece : Buffer.from(piece));
	return Buffer.concat(parts);
}
