/**
 * Uploads that go around Cloudreve, straight to where a storage policy keeps files: a slave
 * node (remote), S3-compatible storage (pre-signed part URLs, then an XML completion) and
 * OneDrive (Content-Range chunks). Both generations hand out the same kinds of URLs; only the
 * callback that tells Cloudreve the upload finished differs, so each generation sends that itself
 * (wave2 §2.1 and §2.2 tables).
 */
import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import type { UploadSource } from '../contract';
import { effectiveChunkSize, exactChunks } from './chunks';
import { CloudreveError } from './errors';
import type { Transport } from './transport';

/** What an upload session tells a client that uploads to the storage itself. */
export interface ProviderSession {
	uploadUrls: string[];
	credential?: string;
	completeUrl?: string;
	chunkSize: number;
}

const OCTET_STREAM = 'application/octet-stream';

function providerRefused(what: string, response: IN8nHttpFullResponse): CloudreveError {
	const status = response.statusCode;
	return new CloudreveError(`The storage refused ${what} (HTTP ${status})`, {
		kind: 'http',
		httpStatus: status,
		description: 'The storage behind the Cloudreve storage policy (slave node, S3 or OneDrive) did not accept the upload. Check the policy in the Cloudreve dashboard and that n8n can reach the storage; the upload was cancelled.',
	});
}

function isSuccess(response: IN8nHttpFullResponse): boolean {
	return response.statusCode >= 200 && response.statusCode < 300;
}

function jsonOf(body: unknown): IDataObject {
	if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) return body as IDataObject;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? '');
	try {
		return JSON.parse(text) as IDataObject;
	} catch {
		return {};
	}
}

function withQuery(url: string, query: string): string {
	return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

function firstUrl(session: ProviderSession, what: string): string {
	const url = session.uploadUrls[0];
	if (typeof url !== 'string' || url === '') throw new CloudreveError(`Cloudreve gave no upload URL for ${what}`, { kind: 'api' });
	return url;
}

/** Slave node: each chunk POSTed with the session's credential; the slave completes by itself. */
export async function uploadToSlave(transport: Transport, session: ProviderSession, source: UploadSource): Promise<void> {
	const url = firstUrl(session, 'the slave node');
	const chunkSize = effectiveChunkSize(session.chunkSize, source.size);
	let index = 0;
	for await (const chunk of exactChunks(await source.read(chunkSize), chunkSize)) {
		const response = await transport.external({
			method: 'POST',
			url: withQuery(url, `chunk=${index}`),
			body: chunk,
			headers: { Authorization: session.credential ?? '', 'Content-Type': OCTET_STREAM, 'Content-Length': String(chunk.length) },
		});
		const reply = jsonOf(response.body);
		if (!isSuccess(response)) throw providerRefused(`chunk ${index}`, response);
		if (typeof reply.code === 'number' && reply.code !== 0) {
			throw transport.failure({ code: reply.code, msg: typeof reply.msg === 'string' ? reply.msg : '' }, 'upload');
		}
		index++;
	}
}

/** S3: one pre-signed URL per part; keep each ETag, then complete with the part list. */
export async function uploadToS3(transport: Transport, session: ProviderSession, source: UploadSource): Promise<void> {
	const chunkSize = effectiveChunkSize(session.chunkSize, source.size);
	const etags: string[] = [];
	for await (const chunk of exactChunks(await source.read(chunkSize), chunkSize)) {
		const url = session.uploadUrls[etags.length];
		if (url === undefined) throw new CloudreveError(`Cloudreve gave ${session.uploadUrls.length} part URLs, too few for this file`, { kind: 'api' });
		const response = await transport.external({
			method: 'PUT',
			url,
			body: chunk,
			headers: { 'Content-Type': OCTET_STREAM, 'Content-Length': String(chunk.length) },
		});
		if (!isSuccess(response)) throw providerRefused(`part ${etags.length + 1}`, response);
		const etag = (response.headers as IDataObject | undefined)?.etag;
		etags.push(typeof etag === 'string' ? etag : '');
	}
	if (!session.completeUrl) throw new CloudreveError('Cloudreve gave no URL to complete the S3 upload', { kind: 'api' });
	const parts = etags.map((etag, index) => `<Part><PartNumber>${index + 1}</PartNumber><ETag>${etag}</ETag></Part>`).join('');
	const xml = `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`;
	const response = await transport.external({
		method: 'POST',
		url: session.completeUrl,
		body: Buffer.from(xml),
		headers: { 'Content-Type': 'application/xml', 'Content-Length': String(Buffer.byteLength(xml)) },
	});
	if (!isSuccess(response)) throw providerRefused('the completion of the upload', response);
}

/**
 * OneDrive: chunks PUT to one session URL with Content-Range. Not retried: a range the service
 * already took is refused when sent again.
 */
export async function uploadToOneDrive(transport: Transport, session: ProviderSession, source: UploadSource): Promise<void> {
	const url = firstUrl(session, 'OneDrive');
	const chunkSize = effectiveChunkSize(session.chunkSize, source.size);
	let offset = 0;
	for await (const chunk of exactChunks(await source.read(chunkSize), chunkSize)) {
		const end = offset + chunk.length - 1;
		const response = await transport.external({
			method: 'PUT',
			url,
			body: chunk,
			headers: { 'Content-Range': `bytes ${offset}-${end}/${source.size}`, 'Content-Length': String(chunk.length) },
		});
		if (!isSuccess(response)) throw providerRefused(`bytes ${offset}-${end}`, response);
		offset += chunk.length;
	}
}
