/**
 * The download stream's relief (transport/core/buffer-pressure.ts) wraps the stream's own `push`:
 * whatever the stream carries must come out unchanged, and its end must still be its end. (That it
 * relieves n8n's garbage collector is test/e2e/buffer-pressure.test.ts, on n8n's Node 24.)
 */
import { Readable } from 'stream';

import { relieveBufferPressure, relievedAsItArrives } from '../nodes/Cloudreve/transport/core/buffer-pressure';

async function collect(stream: AsyncIterable<unknown>): Promise<unknown[]> {
	const out: unknown[] = [];
	for await (const value of stream) out.push(value);
	return out;
}

describe('a relieved stream', () => {
	it('delivers the same bytes in the same order, and ends', async () => {
		const pieces = Array.from({ length: 40 }, (_, index) => Buffer.alloc(64 * 1024 + index, index));
		const stream = relievedAsItArrives(Readable.from(pieces, { objectMode: false }));
		const received = Buffer.concat((await collect(stream)) as Buffer[]);
		expect(received.equals(Buffer.concat(pieces))).toBe(true);
		expect(stream.readableEnded).toBe(true);
	});

	it('passes a string with its encoding on as the stream itself would decode it', async () => {
		const stream = relievedAsItArrives(new Readable({ read() {} }));
		stream.push('636c6f7564', 'hex');
		stream.push(Buffer.from('reve'));
		stream.push(null);
		expect(Buffer.concat((await collect(stream)) as Buffer[]).toString()).toBe('cloudreve');
	});

	it('leaves the values of an object-mode stream as they are', async () => {
		const values = [{ name: 'a.txt' }, 42, 'text', [1, 2, 3]];
		expect(await collect(relievedAsItArrives(Readable.from(values)))).toEqual(values);
	});

	it('leaves what is not a readable stream untouched', () => {
		const list: number[] = [];
		expect(relievedAsItArrives(list).push).toBe(Array.prototype.push);
		expect(relievedAsItArrives(undefined)).toBeUndefined();
	});

	it('ignores sizes that are not a positive finite number of bytes (no endless loop)', () => {
		for (const size of [Infinity, NaN, -1, 0]) expect(relieveBufferPressure(size)).toBeUndefined();
	});
});
