/**
 * Uploads that go from n8n straight to the storage behind a policy, on the pre-signed URLs of the
 * upload session, without Cloudreve's session (wave2 §2.1 and §2.2 "Other policy types"): a slave
 * node (remote), OneDrive, and S3 or KS3 multipart. Both generations hand out the same kinds of
 * URLs; only the callback that then tells Cloudreve the file is complete differs (a slave does
 * that itself), so each generation sends its callback after these return.
 */
import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { UploadSource } from '../contract';
import { CloudreveError } from './errors';
import { httpStatusText } from './http';
import type { Transport } from './transport';
import { chunkCount, chunksOf } from './chunks';

/** What an upload session reply says about where and how to send the bytes. */
export interface ProviderSession {
	chunkSize: number;
	policyType: string;
	uploadUrls: string[];
	credential: string;
	completeUrl: string;
}

const OCTET_STREAM = 'application/octet-stream';

const RETRY_DELAYS_MS = [1000, 3000];

function header(response: IN8nHttpFullResponse, name: string): string {
	const value = (response.headers as IDataObject | undefined)?.[name];
	if (Array.isArray(value)) return value.join(', ');
	return typeof value === 'string' ? value : '';
}

function bodyText(response: IN8nHttpFullResponse): string {
	const body: unknown = response.body;
	if (typeof body === 'string') return body;
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return body === undefined || body === null ? '' : JSON.stringify(body);
}

function bodyJson(response: IN8nHttpFullResponse): IDataObject | undefined {
	if (typeof response.body === 'object' && response.body !== null && !Buffer.isBuffer(response.body)) return response.body as IDataObject;
	try {
		return JSON.parse(bodyText(response)) as IDataObject;
	} catch {
		return undefined;
	}
}

/** What a storage said when it refused: S3's <Message>, Graph's error.message, or nothing. */
function providerReason(response: IN8nHttpFullResponse): string {
	const text = bodyText(response);
	const xml = /<Message>([^<]{1,300})<\/Message>/.exec(text)?.[1];
	if (xml) return xml;
	const error = bodyJson(response)?.error;
	const message = typeof error === 'object' && error !== null ? (error as IDataObject).message : error;
	return typeof message === 'string' ? message.slice(0, 300) : '';
}

function providerRefused(policyType: string, step: string, response: IN8nHttpFullResponse): CloudreveError {
	const reason = providerReason(response);
	return new CloudreveError(`The ${policyType} storage refused ${step}: ${httpStatusText(response)}${reason ? ` (${reason})` : ''}`, {
		description: 'The storage behind the Cloudreve storage policy refused the upload. Run the item again; if it keeps failing, an admin can check the storage policy (credentials, bucket, CORS and endpoint).',
		kind: 'http',
		httpStatus: response.statusCode,
	});
}

/**
 * One request to a storage that may be sent again: a chunk or part is written whole at its place,
 * so a resend overwrites. Connection failures and 5xx are tried again after a pause.
 */
async function sendToStorage(transport: Transport, options: IHttpRequestOptions): Promise<IN8nHttpFullResponse> {
	for (let attempt = 0; ; attempt++) {
		const outcome = await transport.external(options).catch((error: unknown) => error as Error);
		const final = attempt >= RETRY_DELAYS_MS.length;
		if (outcome instanceof Error) {
			if (final || !(outcome instanceof CloudreveError) || outcome.kind !== 'network' || outcome.permanent) throw outcome;
		} else if (final || outcome.statusCode < 500) {
			return outcome;
		}
		await sleep(RETRY_DELAYS_MS[attempt]);
	}
}

function chunkHeaders(chunk: Buffer): Record<string, string> {
	return { 'Content-Type': OCTET_STREAM, 'Content-Length': String(chunk.length) };
}

function withQuery(url: string, query: string): string {
	return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

function firstUploadUrl(session: ProviderSession): string {
	const url = session.uploadUrls[0];
	if (url === undefined || url === '') {
		throw new CloudreveError(`Cloudreve gave no upload URL for the ${session.policyType} storage policy`, {
			description: 'The upload session reply held no upload_urls. Please report it with the server version.',
			kind: 'api',
		});
	}
	return url;
}

/** A slave node: POST <upload_urls[0]>?chunk=<i> with the session's credential; it answers {code}. */
export async function uploadToSlave(transport: Transport, session: ProviderSession, source: UploadSource): Promise<void> {
	const url = firstUploadUrl(session);
	let index = 0;
	for await (const chunk of chunksOf(source, session.chunkSize)) {
		const response = await sendToStorage(transport, {
			method: 'POST',
			url: withQuery(url, `chunk=${index}`),
			body: chunk,
			headers: { ...chunkHeaders(chunk), Authorization: session.credential },
		});
		const reply = bodyJson(response);
		if (typeof reply?.code === 'number' && reply.code !== 0) {
			throw transport.failure({ code: reply.code, msg: typeof reply.msg === 'string' ? reply.msg : undefined }, 'upload');
		}
		if (response.statusCode >= 400 || typeof reply?.code !== 'number') throw providerRefused('remote (slave node)', `chunk ${index + 1}`, response);
		index++;
	}
}

/** OneDrive: PUT <upload_urls[0]> per chunk with its byte range; 202 for more, 200/201 at the end. */
export async function uploadToOneDrive(transport: Transport, session: ProviderSession, source: UploadSource): Promise<void> {
	const url = firstUploadUrl(session);
	let offset = 0;
	for await (const chunk of chunksOf(source, session.chunkSize)) {
		const end = offset + chunk.length - 1;
		const response = await sendToStorage(transport, {
			method: 'PUT',
			url,
			body: chunk,
			headers: { ...chunkHeaders(chunk), 'Content-Range': `bytes ${offset}-${end}/${source.size}` },
		});
		if (![200, 201, 202].includes(response.statusCode)) throw providerRefused('OneDrive', `the bytes ${offset}-${end}`, response);
		offset = end + 1;
	}
}

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * S3 or KS3 multipart: PUT each part to its own pre-signed URL and keep its ETag, then complete
 * the upload with the list of parts.
 */
export async function uploadToS3(transport: Transport, session: ProviderSession, source: UploadSource): Promise<void> {
	const parts = chunkCount(source.size, session.chunkSize);
	if (session.uploadUrls.length < parts || session.completeUrl === '') {
		throw new CloudreveError(`Cloudreve gave ${session.uploadUrls.length} part URLs for ${parts} parts${session.completeUrl === '' ? ' and no completion URL' : ''}`, {
			description: `The ${session.policyType} upload session is incomplete. Please report it with the server version.`,
			kind: 'api',
		});
	}
	const etags: string[] = [];
	for await (const chunk of chunksOf(source, session.chunkSize)) {
		const number = etags.length + 1;
		const response = await sendToStorage(transport, { method: 'PUT', url: session.uploadUrls[number - 1], body: chunk, headers: chunkHeaders(chunk) });
		if (response.statusCode >= 300) throw providerRefused(session.policyType, `part ${number}`, response);
		const etag = header(response, 'etag');
		if (etag === '') {
			throw new CloudreveError(`The ${session.policyType} storage sent no ETag for part ${number}`, {
				description: 'Completing a multipart upload needs every part\'s ETag. A proxy in front of the storage may remove the header.',
				kind: 'http',
			});
		}
		etags.push(etag);
	}
	const xml = `<CompleteMultipartUpload>${etags
		.map((etag, index) => `<Part><PartNumber>${index + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`)
		.join('')}</CompleteMultipartUpload>`;
	const completed = await transport.external({ method: 'POST', url: session.completeUrl, body: xml, headers: { 'Content-Type': 'application/xml' } });
	// S3 may answer 200 and still report an error in the body.
	if (completed.statusCode >= 300 || /<Error>/.test(bodyText(completed))) throw providerRefused(session.policyType, 'completing the upload', completed);
}

/** Tells Cloudreve that the storage holds the whole file; it then turns the placeholder into the file. */
export async function completionCallback(transport: Transport, method: 'GET' | 'POST', path: string): Promise<void> {
	const reply = await transport.request({ method, path, body: method === 'POST' ? {} : undefined });
	if (reply.code !== 0) throw transport.failure(reply, 'upload');
}
