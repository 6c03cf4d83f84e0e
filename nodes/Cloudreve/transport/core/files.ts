/**
 * A file's bytes from a signed download URL. Cloudreve can answer such a URL with a JSON error
 * envelope (HTTP 200) instead of the bytes: that becomes an error, never a "file" holding JSON.
 */
import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import type { Entry, FileDownload } from '../contract';
import { CloudreveError } from './errors';
import type { Envelope } from './http';
import type { Transport } from './transport';

function headerOf(response: IN8nHttpFullResponse, name: string): string {
	const value = (response.headers as IDataObject | undefined)?.[name];
	return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : '';
}

async function textOf(body: unknown): Promise<string> {
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	const parts: Buffer[] = [];
	let bytes = 0;
	// An error reply is small; stop reading a large body.
	for await (const piece of body as AsyncIterable<Buffer>) {
		parts.push(Buffer.from(piece));
		bytes += piece.length;
		if (bytes > 65_536) break;
	}
	return Buffer.concat(parts).toString('utf8');
}

export async function fileFromReply(transport: Transport, response: IN8nHttpFullResponse, file: Entry): Promise<FileDownload> {
	const contentType = headerOf(response, 'content-type');
	if (contentType.toLowerCase().includes('application/json')) {
		const text = await textOf(response.body);
		let envelope: Envelope | undefined;
		try {
			envelope = JSON.parse(text) as Envelope;
		} catch {
			envelope = undefined;
		}
		if (envelope && typeof envelope.code === 'number' && envelope.code !== 0) throw transport.failure(envelope, 'download');
		throw new CloudreveError(`Cloudreve answered the download of ${file.path} with JSON instead of the file`, { kind: 'notCloudreve' });
	}
	if (response.statusCode >= 400) {
		await textOf(response.body).catch(() => '');
		throw new CloudreveError(`The download of ${file.path} failed with HTTP ${response.statusCode}`, {
			kind: 'http',
			httpStatus: response.statusCode,
			description: 'The download link may have expired or the storage may be unreachable from n8n. Run the item again.',
		});
	}
	return { entry: file, body: response.body as AsyncIterable<Buffer>, mimeType: contentType.split(';')[0].trim() || undefined };
}
