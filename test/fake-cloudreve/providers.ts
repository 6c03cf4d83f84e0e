/**
 * The storage providers behind non-local policies, served by the same HTTP server outside /api
 * (cloudreve-api-wave2.md §2.1/§2.2 "Other policy types", §3): a slave node's chunk endpoint, S3
 * multipart parts and completion, a OneDrive upload session, a Qiniu host the node cannot use, and
 * the presigned download links of every non-local policy. They check headers and sizes as strictly
 * as Cloudreve's own chunk endpoint.
 */
import { createHash } from 'crypto';

import type { Routes } from './routes';
import { dispatch } from './routes';
import type { FakeCloudreve, Reply, RouteContext } from './server';
import type { UploadSession } from './storage';
import { chunkCount, declaredLength, expectedChunkLength, findById, goPathEscape, serveContent, signFailure } from './storage';
import { acceptChunk, liveSession, sessionExpired } from './uploads';

type Context = RouteContext & { email: string };

function session(server: FakeCloudreve, id: string, type: UploadSession['policyType']): UploadSession | undefined {
	const found = server.uploadSessions.get(id);
	return found && !found.expired && !found.relay && found.policyType === type ? found : undefined;
}

// ---------------------------------------------------------------- slave node

/** POST <uploadURLs[0]>?chunk=i with `Authorization: <credential>`: a JSON {code} reply; the slave completes the file itself. */
function slaveChunk(context: Context, [id]: string[]): Reply {
	const { server, headers, query } = context;
	const live = liveSession(server, id, undefined);
	if ('body' in live) return live;
	if (live.policyType !== 'remote' || live.relay) return sessionExpired(server);
	if (headers.authorization !== live.credential) return signFailure(server, 'invalid');
	return acceptChunk(server, live, query.get('chunk') ?? '', context);
}

// ---------------------------------------------------------------- S3

function s3Error(status: number, code: string, message: string): Reply {
	return {
		status,
		contentType: 'application/xml',
		body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fake</RequestId></Error>`,
	};
}

/** PUT <uploadURLs[i]>: a presigned part upload; every part but the last is exactly chunkSize; the reply carries the ETag. */
function s3Part({ server, query, headers, bytes }: Context, [id]: string[]): Reply {
	const uploadId = query.get('uploadId') ?? '';
	const partText = query.get('partNumber') ?? '';
	const found = session(server, id, 's3');
	if (!found || found.uploadId !== uploadId || found.providerComplete) return s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
	if (query.get('X-Amz-Signature') !== server.signer.token(`${uploadId}:${partText}`)) {
		return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
	}
	const part = Number(partText);
	const count = chunkCount(found);
	if (!Number.isInteger(part) || part < 1 || part > count) return s3Error(400, 'InvalidArgument', `Part number must be an integer between 1 and ${count}.`);
	const expected = expectedChunkLength(found, part - 1);
	if (declaredLength(headers, false) !== expected || bytes.length !== expected) {
		return s3Error(400, 'InvalidRequest', `Part ${part} must be exactly ${expected} bytes (Content-Length ${headers['content-length'] ?? 'missing'}).`);
	}
	const etag = `"${createHash('md5').update(bytes).digest('hex')}"`;
	found.parts[part - 1] = bytes;
	found.etags[part - 1] = etag;
	return { status: 200, contentType: 'text/plain', body: '', headers: { etag } };
}

/** POST <completeURL> with <CompleteMultipartUpload><Part><PartNumber>…<ETag>…: every part, in order, with its ETag. */
function s3Complete({ server, query, bytes }: Context, [id, name]: string[]): Reply {
	const uploadId = query.get('uploadId') ?? '';
	const found = session(server, id, 's3');
	if (!found || found.uploadId !== uploadId || found.providerComplete) return s3Error(404, 'NoSuchUpload', 'The specified upload does not exist.');
	if (query.get('X-Amz-Signature') !== server.signer.token(`${uploadId}:complete`)) {
		return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
	}
	const xml = bytes.toString('utf8');
	if (!/<CompleteMultipartUpload[\s>]/.test(xml)) return s3Error(400, 'MalformedXML', 'The XML you provided was not well-formed.');
	const listed = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((match) => ({
		number: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(match[1])?.[1]),
		etag: (/<ETag>([\s\S]*?)<\/ETag>/.exec(match[1])?.[1] ?? '').replace(/&quot;|"/g, '').trim(),
	}));
	for (let i = 0; i < listed.length; i++) {
		if (listed[i].number !== i + 1) return s3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
	}
	const count = chunkCount(found);
	for (let i = 0; i < count; i++) {
		const stored = found.etags[i]?.replace(/"/g, '');
		if (!listed[i] || !stored || listed[i].etag !== stored) {
			return s3Error(400, 'InvalidPart', `Part ${i + 1} is missing or its ETag does not match.`);
		}
	}
	if (listed.length !== count) return s3Error(400, 'InvalidPart', `Expected ${count} parts, got ${listed.length}.`);
	found.providerComplete = true;
	const etag = `"${createHash('md5').update(found.etags.join('')).digest('hex')}-${count}"`;
	return {
		contentType: 'application/xml',
		body: `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult><Bucket>cloudreve</Bucket><Key>uploads/${id}/${name}</Key><ETag>${etag}</ETag></CompleteMultipartUploadResult>`,
	};
}

// ---------------------------------------------------------------- OneDrive

function graphError(status: number, code: string, message: string): Reply {
	return { status, contentType: 'application/json', body: JSON.stringify({ error: { code, message } }) };
}

/** PUT <uploadURLs[0]> with `Content-Range: bytes s-e/total`: 202 with nextExpectedRanges, then 201 with the item. */
function oneDrivePut({ server, query, headers, bytes }: Context, [id]: string[]): Reply {
	const found = session(server, id, 'onedrive');
	if (!found || found.providerComplete) return graphError(404, 'itemNotFound', 'The upload session was not found.');
	if (query.get('tempauth') !== server.signer.token(`onedrive:${id}`)) return graphError(401, 'unauthenticated', 'Invalid tempauth.');
	const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headers['content-range'] ?? '');
	if (!range) return graphError(400, 'invalidRequest', 'A valid Content-Range header is required.');
	const [start, end, total] = range.slice(1).map(Number);
	const received = found.parts.reduce((sum, part) => sum + part.length, 0);
	if (total !== found.size) return graphError(400, 'invalidRequest', `The total size ${total} does not match the session (${found.size}).`);
	if (start !== received) return graphError(416, 'invalidRange', `The fragment must start at ${received}.`);
	const length = end - start + 1;
	const last = end + 1 === found.size;
	const expected = expectedChunkLength(found, found.parts.length);
	if (end < start || end >= total || length !== expected || (!last && found.chunkSize > 0 && length !== found.chunkSize)) {
		return graphError(400, 'invalidRequest', `The fragment must be ${expected} bytes.`);
	}
	if (declaredLength(headers, false) !== length || bytes.length !== length) return graphError(400, 'invalidRequest', 'Content-Length does not match Content-Range.');
	found.parts.push(bytes);
	if (!last) {
		return {
			status: 202,
			contentType: 'application/json',
			body: JSON.stringify({ expirationDateTime: new Date(found.expires * 1000).toISOString(), nextExpectedRanges: [`${end + 1}-`] }),
		};
	}
	found.providerComplete = true;
	const name = found.path.slice(found.path.lastIndexOf('/') + 1);
	return { status: 201, contentType: 'application/json', body: JSON.stringify({ id: `01FAKE${id.slice(0, 8).toUpperCase()}`, name, size: found.size, file: {} }) };
}

// ---------------------------------------------------------------- downloads

/** The presigned GET link of a non-local policy (download URLs and direct links); Range supported. */
function providerDownload({ server, headers, query }: Context, [type, ticketId, name]: string[]): Reply {
	const check = server.signer.check(`/fake-${type}/dl/${ticketId}/${name}`, query.get('sign'));
	if (check !== 'ok') return s3Error(403, 'AccessDenied', check === 'expired' ? 'Request has expired' : 'Signature does not match');
	const ticket = server.downloadTickets.get(ticketId);
	const found = ticket && findById(server.tree(ticket.email), ticket.nodeId, 'file');
	if (!found || found[1].uploadSessionId) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
	return serveContent(found[1], headers, ticket!.attachment ? `attachment; filename="${goPathEscape(found[1].name)}"` : undefined);
}

const ROUTES: Routes = [
	{ method: 'POST', path: /^\/fake-slave\/api\/v[34]\/slave\/upload\/([^/]+)$/, anonymous: true, handler: slaveChunk },
	{ method: 'PUT', path: /^\/fake-s3\/cloudreve\/uploads\/([^/]+)\/([^/]+)$/, anonymous: true, handler: s3Part },
	{ method: 'POST', path: /^\/fake-s3\/cloudreve\/uploads\/([^/]+)\/([^/]+)$/, anonymous: true, handler: s3Complete },
	{ method: 'PUT', path: /^\/fake-onedrive\/upload\/([^/]+)$/, anonymous: true, handler: oneDrivePut },
	{ method: ['GET', 'HEAD'], path: /^\/fake-(local|remote|s3|onedrive|qiniu)\/dl\/([^/]+)\/([^/]+)$/, anonymous: true, handler: providerDownload },
	{
		method: ['GET', 'POST', 'PUT'],
		path: /^\/fake-qiniu\/.*$/,
		anonymous: true,
		handler: () => ({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: 'bad token' }) }),
	},
];

export function providerRoutes(context: RouteContext): Reply | Promise<Reply> | undefined {
	return dispatch(ROUTES, context, () => ({ status: 401, contentType: 'text/plain', body: 'unauthorized' }));
}
