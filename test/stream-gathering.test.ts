/**
 * A download is handed to n8n's store through `gatheredAsItArrives` (transport/core/buffer-pressure.ts),
 * which wraps the stream's own `push`: whatever the stream carries must come out unchanged and in
 * order, in pieces of at most 512 KiB, and its end must still be its end. (That it spares n8n's
 * garbage collector, and frees the arriving pieces, is test/e2e/buffer-pressure.test.ts, on n8n's
 * Node 24; Jest's Node 20 cannot free them.)
 */
import { Readable } from 'stream';

import { gatheredAsItArrives, relieveBufferPressure } from '../nodes/Cloudreve/transport/core/buffer-pressure';

const KiB = 1024;

async function collect(stream: AsyncIterable<unknown>): Promise<unknown[]> {
	const out: unknown[] = [];
	for await (const value of stream) out.push(value);
	return out;
}

describe('a gathered stream', () => {
	it('delivers the same bytes in the same order in pieces of 512 KiB, the last one shorter, and ends', async () => {
		// 40 socket-sized pieces of uneven sizes: 2.5 MiB and some, not a whole number of 512 KiB.
		const pieces = Array.from({ length: 40 }, (_, index) => Buffer.alloc(64 * KiB + index, index));
		const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
		// Made before: an arriving piece, once gathered, may be freed (Node 21 and later).
		const sent = Buffer.concat(pieces);
		const stream = gatheredAsItArrives(Readable.from(pieces, { objectMode: false }));
		const received = (await collect(stream)) as Buffer[];
		expect(Buffer.concat(received).equals(sent)).toBe(true);
		expect(received.map((piece) => piece.length)).toEqual([512 * KiB, 512 * KiB, 512 * KiB, 512 * KiB, 512 * KiB, total - 5 * 512 * KiB]);
		expect(stream.readableEnded).toBe(true);
	});

	it('splits an arriving piece bigger than 512 KiB across pieces without losing a byte', async () => {
		/** Records the pieces handed on, before the stream's reader may join them. */
		class Recording extends Readable {
			handedOn: number[] = [];
			push(chunk: unknown, encoding?: BufferEncoding): boolean {
				if (chunk instanceof Uint8Array) this.handedOn.push(chunk.length);
				return super.push(chunk, encoding);
			}
		}
		const big = Buffer.alloc(1300 * KiB);
		for (let at = 0; at + 4 <= big.length; at += 4) big.writeUInt32LE(at, at);
		const sent = Buffer.concat([Buffer.from('head'), big]);
		const stream = gatheredAsItArrives(new Recording({ read() {} }));
		stream.push(Buffer.from('head'));
		stream.push(big);
		stream.push(null);
		const received = (await collect(stream)) as Buffer[];
		expect(stream.handedOn).toEqual([512 * KiB, 512 * KiB, 4 + 1300 * KiB - 1024 * KiB]);
		expect(Buffer.concat(received).equals(sent)).toBe(true);
	});

	it('hands on the bytes gathered so far before a string, which keeps its encoding', async () => {
		const stream = gatheredAsItArrives(new Readable({ read() {} }));
		stream.push(Buffer.from('clo'));
		stream.push('7564', 'hex');
		stream.push(Buffer.from('reve'));
		stream.push(null);
		expect(Buffer.concat((await collect(stream)) as Buffer[]).toString()).toBe('cloudreve');
	});

	it('passes on an empty stream as empty', async () => {
		expect(await collect(gatheredAsItArrives(Readable.from([], { objectMode: false })))).toEqual([]);
	});

	it('fails as the stream fails, with its error', async () => {
		const stream = gatheredAsItArrives(new Readable({ read() {} }));
		stream.push(Buffer.alloc(10));
		setImmediate(() => stream.destroy(new Error('socket hang up')));
		await expect(collect(stream)).rejects.toThrow('socket hang up');
	});

	it('leaves the values of an object-mode stream as they are', async () => {
		const values = [{ name: 'a.txt' }, 42, 'text', [1, 2, 3], Buffer.from('bytes')];
		expect(await collect(gatheredAsItArrives(Readable.from(values)))).toEqual(values);
	});

	it('leaves what is not a readable stream untouched', () => {
		const list: number[] = [];
		expect(gatheredAsItArrives(list).push).toBe(Array.prototype.push);
		expect(gatheredAsItArrives(undefined)).toBeUndefined();
	});

	it('ignores sizes that are not a positive finite number of bytes (no endless loop)', () => {
		for (const size of [Infinity, NaN, -1, 0]) expect(relieveBufferPressure(size)).toBeUndefined();
	});
});
