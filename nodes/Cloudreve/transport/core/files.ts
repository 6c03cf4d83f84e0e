/**
 * A file's bytes from a signed download link, as a stream. What comes back is checked before it
 * is called a file: an error status, or Cloudreve's JSON envelope where bytes were expected.
 */
import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import type { Entry, FileDownload } from '../contract';
import { gatheredAsItArrives } from './buffer-pressure';
import { CloudreveError } from './errors';
import type { Envelope } from './http';
import { headerValue, httpStatusText } from './http';
import type { Transport } from './transport';

/** Cloudreve's error envelopes are tiny; a JSON body longer than this is a file. */
const ENVELOPE_MAX_BYTES = 64 * 1024;

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
	return headerValue(response.headers as IDataObject, 'content-type').toLowerCase().includes('json') && !/attachment/i.test(headerValue(response.headers as IDataObject, 'content-disposition'));
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

/** Opens `url` (signed: no session needed) and returns the file's bytes as a stream. */
export async function openSignedFile(transport: Transport, url: string, file: Entry): Promise<FileDownload> {
	let response = await open(transport, url, file);
	if (mayBeEnvelope(response)) {
		const { text, complete } = await readText(response.body, ENVELOPE_MAX_BYTES);
		const envelope = complete ? parseEnvelope(text) : undefined;
		if (envelope !== undefined && envelope.code !== 0) throw transport.failure(envelope, 'download');
		if (response.statusCode >= 400) throw storageRefused(response, file, text);
		// A JSON file after all, partly read: fetch it again; the link stays valid (wave2 §3).
		response = await open(transport, url, file);
	}
	if (response.statusCode >= 400) {
		const { text } = await readText(response.body, 4096).catch(() => ({ text: '' }));
		throw storageRefused(response, file, text);
	}
	const mimeType = headerValue(response.headers as IDataObject, 'content-type').split(';')[0].trim();
	return { entry: file, body: gatheredAsItArrives(response.body as AsyncIterable<Buffer>, { arrivingPiecesAreFresh: true }), ...(mimeType ? { mimeType } : {}) };
}
