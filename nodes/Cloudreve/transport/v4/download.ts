/**
 * Cloudreve 4.x downloads: POST /file/url hands out a signed URL, which is then read as a stream
 * without the session (wave2 §3.2). What comes back is checked before it is called a file: an
 * error status, or a JSON envelope where bytes were expected.
 */
import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import type { Entry, FileDownload } from '../contract';
import { CloudreveError } from '../core/errors';
import type { Envelope } from '../core/http';
import { httpStatusText } from '../core/http';
import type { Transport } from '../core/transport';
import { uriOfEntry } from './entries';
import { batchFailure } from './failures';

/** Cloudreve's error envelopes are tiny; a JSON body longer than this is a file. */
const ENVELOPE_MAX_BYTES = 64 * 1024;

function header(response: IN8nHttpFullResponse, name: string): string {
	const value = (response.headers as IDataObject | undefined)?.[name];
	if (Array.isArray(value)) return value.join(', ');
	return typeof value === 'string' ? value : '';
}

/** The first URL of the reply: objects {url} since 4.0.0-beta.11, plain strings before (wave2 §3.2). */
function firstUrl(data: unknown): string | undefined {
	const urls = (data as IDataObject | undefined)?.urls;
	const first: unknown = Array.isArray(urls) ? urls[0] : undefined;
	if (typeof first === 'string') return first;
	const url = (first as IDataObject | undefined)?.url;
	return typeof url === 'string' && url !== '' ? url : undefined;
}

/** Up to `limit` bytes of a body as text; stopping early closes the stream. */
async function readText(body: unknown, limit: number): Promise<{ text: string; complete: boolean }> {
	const pieces: Buffer[] = [];
	let length = 0;
	for await (const piece of body as AsyncIterable<Buffer | string>) {
		const bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece);
		pieces.push(bytes);
		length += bytes.length;
		if (length > limit) return { text: Buffer.concat(pieces).toString('utf8', 0, limit), complete: false };
	}
	return { text: Buffer.concat(pieces).toString('utf8'), complete: true };
}

function parseEnvelope(text: string): Envelope | undefined {
	try {
		const parsed = JSON.parse(text) as unknown;
		const code = (parsed as Envelope | null)?.code;
		return typeof code === 'number' ? (parsed as Envelope) : undefined;
	} catch {
		return undefined;
	}
}

/**
 * A JSON reply without "attachment" may be Cloudreve refusing the link (an expired signature) in
 * its envelope, or a .json file served inline: only reading it tells which.
 */
function mayBeEnvelope(response: IN8nHttpFullResponse): boolean {
	return header(response, 'content-type').toLowerCase().includes('json') && !/attachment/i.test(header(response, 'content-disposition'));
}

async function open(transport: Transport, url: string, file: Entry): Promise<IN8nHttpFullResponse> {
	return await transport.openStream(url).catch((error: unknown) => {
		if (!(error instanceof CloudreveError) || error.kind !== 'network') throw error;
		// Cloudreve builds download links from its site URL setting, which may name a host that
		// only Cloudreve itself can reach (localhost by default on a fresh site, wave2 §10).
		throw new CloudreveError(`Could not fetch ${file.path} from the download link Cloudreve gave: ${error.message}`, {
			description: `${error.description ?? ''} Cloudreve builds download links from its Site URL setting (admin dashboard, basic settings) or from the storage policy's address; that address must be reachable from n8n.`.trim(),
			kind: 'network',
		});
	});
}

/** `text`: the start of the reply, which S3-like storages explain themselves in (<Message>). */
function storageRefused(response: IN8nHttpFullResponse, file: Entry, text: string): CloudreveError {
	const reason = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
	return new CloudreveError(`The download of ${file.path} was refused: ${httpStatusText(response)}${reason ? ` (${reason})` : ''}`, {
		description: 'The storage behind the download link refused it. Run the item again; if it keeps failing, check the storage policy in Cloudreve.',
		kind: 'http',
		httpStatus: response.statusCode,
	});
}

export async function downloadFile(transport: Transport, file: Entry): Promise<FileDownload> {
	const reply = await transport.request({ method: 'POST', path: '/file/url', body: { uris: [uriOfEntry(file)], download: true } });
	if (reply.code !== 0) throw batchFailure(transport, reply, 'download');
	const url = firstUrl(reply.data);
	if (url === undefined) {
		throw new CloudreveError(`Cloudreve gave no download URL for ${file.path}`, {
			description: 'The reply held no URL. Please report it with the server version.',
			kind: 'api',
		});
	}
	let response = await open(transport, url, file);
	if (mayBeEnvelope(response)) {
		const { text, complete } = await readText(response.body, ENVELOPE_MAX_BYTES);
		const envelope = complete ? parseEnvelope(text) : undefined;
		if (envelope !== undefined && envelope.code !== 0) throw transport.failure(envelope, 'download');
		if (response.statusCode >= 400) throw storageRefused(response, file, text);
		// A JSON file after all, partly read: fetch it again, the link stays valid for an hour (wave2 §3.2).
		response = await open(transport, url, file);
	}
	if (response.statusCode >= 400) {
		const { text } = await readText(response.body, 4096).catch(() => ({ text: '' }));
		throw storageRefused(response, file, text);
	}
	const mimeType = header(response, 'content-type').split(';')[0].trim();
	return { entry: file, body: response.body as AsyncIterable<Buffer>, ...(mimeType ? { mimeType } : {}) };
}
