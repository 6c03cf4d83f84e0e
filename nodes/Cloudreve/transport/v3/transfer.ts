/**
 * Cloudreve 3.x uploads and downloads (wave2 §2.1, §3.1; base doc §6.1).
 * - 3.0–3.4: one raw POST /file/upload with the name and folder in headers.
 * - 3.5+: an upload session (PUT /file/upload), then chunks by the folder's storage policy:
 *   local through Cloudreve, remote/S3/OneDrive straight to the storage; any other policy type
 *   through Cloudreve's own writer (create + update). A failed upload deletes its session.
 * An upload session never overwrites, so Replace uploads under a temporary name and swaps it in
 * only once every byte arrived: the old file stays until then.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ConflictRule, Entry, FileDownload, UploadSource, UploadedFile } from '../contract';
import { chunksOf, effectiveChunkSize, wholeBody } from '../core/chunks';
import { CloudreveError } from '../core/errors';
import { openSignedFile } from '../core/files';
import type { ProviderSession } from '../core/providers';
import { completionCallback, uploadToOneDrive, uploadToS3, uploadToSlave } from '../core/providers';
import { versionAtLeast } from '../core/server';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath } from '../paths';
import { remove, rename } from './changes';
import type { FolderListing } from './entries';
import { getEntry, readFolder } from './entries';
import { createFolder } from './folders';
import { absoluteUrl } from './links';

const OCTET_STREAM = 'application/octet-stream';

export async function download(transport: Transport, file: Entry): Promise<FileDownload> {
	const reply = await transport.request({ method: 'PUT', path: `/file/download/${encodeURIComponent(file.id)}` });
	if (reply.code !== 0) throw transport.failure(reply, 'download');
	// Local storage answers a link relative to the site; it needs no cookie (it is signed).
	return await openSignedFile(transport, absoluteUrl(transport, String(reply.data ?? '')), file);
}

/** The target folder's listing, creating the folder (and its parents) when it is missing. */
async function targetFolder(transport: Transport, folder: FolderPath): Promise<FolderListing> {
	const listing = await readFolder(transport, folder).catch(async (error: unknown) => {
		if (!(error instanceof CloudreveError) || (error.cloudreveCode !== 40016 && error.cloudreveCode !== 404)) throw error;
		return undefined;
	});
	if (listing !== undefined) return listing;
	await createFolder(transport, folder, { errorIfExists: false });
	return await readFolder(transport, folder);
}

/** 3.0–3.4: the whole file in one request (these versions have no upload sessions). */
async function uploadInOneRequest(transport: Transport, folder: FolderPath, name: string, source: UploadSource): Promise<void> {
	const body = await wholeBody(source);
	const encodedName = encodeURIComponent(name);
	const encodedFolder = encodeURIComponent(formatPath(folder));
	const reply = await transport.request({
		method: 'POST',
		path: '/file/upload',
		body,
		// 3.4 reads X-Cr-*, 3.0–3.3 the older names; each ignores the other's.
		headers: { 'Content-Type': OCTET_STREAM, 'Content-Length': String(body.length), 'X-Cr-FileName': encodedName, 'X-Cr-Path': encodedFolder, 'X-FileName': encodedName, 'X-Path': encodedFolder },
	});
	if (reply.code !== 0) throw transport.failure(reply, 'upload');
}

/** Local storage: chunks POSTed to Cloudreve in order, each exactly the session's chunk size. */
async function uploadChunks(transport: Transport, sessionId: string, chunkSize: number, source: UploadSource): Promise<void> {
	// An empty file is one empty chunk.
	const chunks = source.size === 0 ? [Buffer.alloc(0)] : chunksOf(source, chunkSize);
	let index = 0;
	for await (const chunk of chunks) {
		const reply = await transport.request({
			method: 'POST',
			path: `/file/upload/${encodeURIComponent(sessionId)}/${index}`,
			body: chunk,
			headers: { 'Content-Type': OCTET_STREAM, 'Content-Length': String(chunk.length) },
			// Sending a chunk again overwrites it: safe to retry.
			retry: 'always',
		});
		if (reply.code !== 0) throw transport.failure(reply, 'upload');
		index++;
	}
}

/** A policy the node cannot upload to itself: Cloudreve writes the bytes (create, then update). */
async function uploadThroughServer(transport: Transport, folder: FolderPath, name: string, source: UploadSource): Promise<void> {
	const created = await transport.request({ method: 'POST', path: '/file/create', body: { path: formatPath([...folder, name]) } });
	if (created.code !== 0) throw transport.failure(created, 'upload');
	const file = await getEntry(transport, [...folder, name]);
	const fill = async () => {
		const body = await wholeBody(source);
		const reply = await transport.request({
			method: 'PUT',
			path: `/file/update/${encodeURIComponent(file.id)}`,
			body,
			headers: { 'Content-Type': OCTET_STREAM, 'Content-Length': String(body.length) },
		});
		if (reply.code !== 0) throw transport.failure(reply, 'upload');
	};
	// No empty file is left behind.
	await fill().catch(async (error: unknown) => {
		await remove(transport, file).catch(() => undefined);
		throw error;
	});
}

async function uploadWithSession(transport: Transport, folder: FolderPath, name: string, source: UploadSource, listing: FolderListing): Promise<void> {
	const policy = listing.policy;
	const reply = await transport.request({
		method: 'PUT',
		path: '/file/upload',
		body: { path: formatPath(folder), size: source.size, name, policy_id: policy?.id ?? '', last_modified: Date.now(), mime_type: source.mimeType },
	});
	if (reply.code !== 0) throw transport.failure(reply, 'upload');
	const session = (reply.data ?? {}) as IDataObject;
	const sessionId = String(session.sessionID ?? '');
	const text = (value: unknown) => (typeof value === 'string' ? value : '');
	const provider: ProviderSession = {
		policyType: policy?.type ?? 'local',
		uploadUrls: Array.isArray(session.uploadURLs) ? (session.uploadURLs as unknown[]).map(text) : [],
		credential: text(session.credential),
		completeUrl: text(session.completeURL),
		chunkSize: effectiveChunkSize(session.chunkSize, source.size),
	};
	const send = async (): Promise<void> => {
		switch (provider.policyType) {
			case 'local':
				return await uploadChunks(transport, sessionId, provider.chunkSize, source);
			case 'remote':
				return await uploadToSlave(transport, provider, source);
			case 's3': {
				await uploadToS3(transport, provider, source);
				return await completionCallback(transport, 'GET', `/callback/s3/${encodeURIComponent(sessionId)}`);
			}
			case 'onedrive': {
				await uploadToOneDrive(transport, provider, source);
				return await completionCallback(transport, 'POST', `/callback/onedrive/finish/${encodeURIComponent(sessionId)}`);
			}
			default:
				// Nothing was sent to this session: drop it and let Cloudreve write the file.
				await cancelSession(transport, sessionId);
				return await uploadThroughServer(transport, folder, name, source);
		}
	};
	// A failed upload leaves no session and no placeholder behind.
	await send().catch(async (error: unknown) => {
		await cancelSession(transport, sessionId);
		throw error;
	});
}

async function cancelSession(transport: Transport, sessionId: string): Promise<void> {
	await transport.request({ method: 'DELETE', path: `/file/upload/${encodeURIComponent(sessionId)}` }).catch(() => undefined);
}

function exists(path: string): CloudreveError {
	return new CloudreveError(`${path} already exists`, {
		kind: 'api',
		description: 'Set Options → If the File Exists to "Replace" or "Skip", or give the file another name.',
	});
}

export async function upload(transport: Transport, folder: FolderPath, name: string, source: UploadSource, { conflict }: { conflict: ConflictRule }): Promise<UploadedFile> {
	const listing = await targetFolder(transport, folder);
	const path = [...folder, name];
	const existing = listing.entries.find((entry) => entry.name === name);
	if (existing?.type === 'folder') {
		throw new CloudreveError(`${formatPath(path)} is a folder`, { kind: 'api', description: 'Give the file another name, or upload it into that folder.' });
	}
	if (existing && conflict === 'skip') return { ...existing, skipped: true };
	if (existing && conflict === 'error') throw exists(formatPath(path));

	const send = async (asName: string) =>
		versionAtLeast(transport.server.version, '3.5.0')
			? await uploadWithSession(transport, folder, asName, source, listing)
			: await uploadInOneRequest(transport, folder, asName, source);
	if (existing === undefined) {
		await send(name);
		return await getEntry(transport, path);
	}
	const temporary = `${name}.n8n-upload-${Date.now().toString(36)}`;
	await send(temporary);
	const uploaded = await getEntry(transport, [...folder, temporary]);
	await remove(transport, existing);
	return await rename(transport, uploaded, name);
}
