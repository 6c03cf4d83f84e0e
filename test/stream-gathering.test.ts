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

/** Records the pieces handed on, before the stream's reader may join them. */
class Recording extends Readable {
	handedOn: number[] = [];
	pieces: Uint8Array[] = [];
	push(chunk: unknown, encoding?: BufferEncoding): boolean {
		if (chunk instanceof Uint8Array) {
			this.handedOn.push(chunk.length);
			this.pieces.push(chunk);
		}
		return super.push(chunk, encoding);
	}
}

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
		const sent = Buffer.concat(pieces);
		const stream = gatheredAsItArrives(Readable.from(pieces, { objectMode: false }));
		const received = (await collect(stream)) as Buffer[];
		expect(Buffer.concat(received).equals(sent)).toBe(true);
		expect(received.map((piece) => piece.length)).toEqual([512 * KiB, 512 * KiB, 512 * KiB, 512 * KiB, 512 * KiB, total - 5 * 512 * KiB]);
		expect(stream.readableEnded).toBe(true);
	});

	it('splits an arriving piece bigger than 512 KiB across pieces without losing a byte', async () => {
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
		stream.push(new Uint8Array([0x63, 0x6c, 0x6f]));
		stream.push('7564', 'hex');
		stream.push(Buffer.from('reve'));
		stream.push(Buffer.alloc(0));
		stream.push(null);
		expect(Buffer.concat((await collect(stream)) as Buffer[]).toString()).toBe('cloudreve');
	});

	it('passes on an arriving piece of 512 KiB or more as it is when nothing is gathered', async () => {
		const big = Buffer.alloc(600 * KiB, 3);
		const stream = gatheredAsItArrives(new Readable({ read() {} }));
		stream.push(big);
		stream.push(null);
		const received = (await collect(stream)) as Buffer[];
		expect(received).toHaveLength(1);
		expect(received[0]).toBe(big);
	});

	it('hands on what waited a second with the next piece, so a slow download keeps moving, in one shared buffer', async () => {
		const stream = gatheredAsItArrives(new Recording({ read() {} }));
		stream.push(Buffer.from('slow '));
		expect(stream.handedOn).toEqual([]);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		stream.push(Buffer.from('link'));
		expect(stream.handedOn).toEqual([9]);
		// Just arrived: it waits for the next piece or, here, the end.
		stream.push(Buffer.from('!'));
		expect(stream.handedOn).toEqual([9]);
		stream.push(null);
		expect(stream.handedOn).toEqual([9, 1]);
		// A store that keeps every piece (n8n's database mode) holds one 512 KiB buffer, not one per piece.
		expect(stream.pieces[1].buffer).toBe(stream.pieces[0].buffer);
		expect(Buffer.concat((await collect(stream)) as Buffer[]).toString()).toBe('slow link!');
	});

	it('keeps a producer going whose stream wants nothing buffered (high-water mark 0)', async () => {
		async function* pieces() {
			for (let index = 0; index < 20; index++) yield Buffer.alloc(64 * KiB, index);
		}
		const stream = gatheredAsItArrives(Readable.from(pieces(), { objectMode: false, highWaterMark: 0 }));
		const received = Buffer.concat((await collect(stream)) as Buffer[]);
		expect(received.length).toBe(20 * 64 * KiB);
		expect(received[19 * 64 * KiB]).toBe(19);
	});

	it('says, as push does, whether more is welcome', () => {
		const stream = gatheredAsItArrives(new Readable({ read() {}, highWaterMark: 1024 * KiB }));
		// Only gathered: the stream holds nothing yet.
		expect(stream.push(Buffer.alloc(100 * KiB))).toBe(true);
		// 512 KiB handed on into a stream that wants up to 1 MiB: more is welcome; after 1 MiB it is not.
		expect(stream.push(Buffer.alloc(412 * KiB))).toBe(true);
		expect(stream.push(Buffer.alloc(512 * KiB))).toBe(false);
		// Only gathered while the stream already holds 1 MiB: no more, please.
		expect(stream.push(Buffer.alloc(10 * KiB))).toBe(false);
	});

	it('refuses bytes after the end as the stream itself does', async () => {
		const stream = gatheredAsItArrives(new Readable({ read() {} }));
		stream.push(Buffer.from('done'));
		stream.push(null);
		const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
		stream.push(Buffer.from('late'));
		expect(await failed).toMatchObject({ code: 'ERR_STREAM_PUSH_AFTER_EOF' });
	});

	it('takes nothing more once destroyed, as the stream itself does', () => {
		const stream = gatheredAsItArrives(new Readable({ read() {} }));
		stream.push(Buffer.from('part'));
		stream.destroy();
		expect(stream.push(Buffer.from('more'))).toBe(false);
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
