/**
 * Cloudreve 4.x uploads (wave2 §2.2): an upload session for the file's URI, then the bytes the way
 * the session's storage policy wants them: chunks to Cloudreve itself (local, or any policy that
 * relays), or straight to the storage (providers.ts). Policies this node cannot feed take small
 * files through PUT /file/content, which the server writes whatever the policy. A session that
 * fails is cancelled, so that no placeholder keeps locking the name.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ConflictRule, DrivePath, UploadedFile, UploadSource } from '../contract';
import { CloudreveError } from '../core/errors';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath, toFileUri } from '../paths';
import { chunksOf, effectiveChunkSize, wholeBody } from '../core/chunks';
import { findEntry, getEntry, pageRequest, toEntry } from './entries';
import { createFolder } from './folders';
import type { ProviderSession } from '../core/providers';
import { completionCallback, uploadToOneDrive, uploadToS3, uploadToSlave } from '../core/providers';

/** A 4.x upload session: where to send the bytes, and what cancels or completes it. */
interface UploadSession extends ProviderSession {
	id: string;
	/** The URI the session is for, as the server wrote it (needed to cancel it). */
	uri: string;
	callbackSecret: string;
}

const PATH_NOT_EXIST = 40016;
const OBJECT_EXISTED = 40004;
const FILE_TOO_LARGE = 40049;

/** The server's maxEditSize default, the limit of PUT /file/content (wave2 §2.2 step 4). */
const CONTENT_PUT_MAX_BYTES = 50 * 1024 * 1024;

const OCTET_STREAM = 'application/octet-stream';

function text(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/**
 * The id of the storage policy of `folder`, from its listing: the session needs one that decodes,
 * though 4.0.0 then uses the group's policy anyway (wave2 §2.2 step 1). A missing folder is made
 * first; creating the session would make it too, but the listing must come before.
 */
async function policyIdOf(transport: Transport, folder: FolderPath): Promise<string> {
	const request = pageRequest(toFileUri(folder), 10);
	let reply = await transport.request(request);
	if (reply.code === PATH_NOT_EXIST) {
		await createFolder(transport, folder, { errorIfExists: false });
		reply = await transport.request(request);
	}
	if (reply.code !== 0) throw transport.failure(reply, 'upload');
	const policy = (reply.data as IDataObject | undefined)?.storage_policy as IDataObject | undefined;
	return text(policy?.id);
}

async function createSession(transport: Transport, path: DrivePath, source: UploadSource, policyId: string, conflict: ConflictRule): Promise<UploadSession> {
	const reply = await transport.request({
		method: 'PUT',
		path: '/file/upload',
		body: {
			uri: toFileUri(path),
			size: source.size,
			...(policyId ? { policy_id: policyId } : {}),
			last_modified: Date.now(),
			mime_type: source.mimeType ?? '',
			// "version" adds a new version to an existing file (and creates a missing one); "" fails with 40004 when it exists.
			entity_type: conflict === 'replace' ? 'version' : '',
		},
		// A second session for the same name would find the first one's lock (40073).
		retry: 'ifNotSent',
	});
	if (reply.code !== 0) throw transport.failure(reply, 'upload');
	const data = (reply.data ?? {}) as IDataObject;
	const policy = (data.storage_policy ?? {}) as IDataObject;
	const id = text(data.session_id);
	if (id === '') {
		throw new CloudreveError('Cloudreve started an upload but sent no session id', {
			description: 'Please report it with the server version.',
			kind: 'api',
		});
	}
	return {
		id,
		uri: text(data.uri) || toFileUri(path),
		chunkSize: effectiveChunkSize(data.chunk_size, source.size),
		// relay: the policy has Cloudreve pass the bytes on, so they go to Cloudreve as for local.
		policyType: policy.relay === true ? 'local' : text(policy.type),
		uploadUrls: Array.isArray(data.upload_urls) ? (data.upload_urls as unknown[]).map(text) : [],
		credential: text(data.credential),
		completeUrl: text(data.completeURL),
		callbackSecret: text(data.callback_secret),
	};
}

/** DELETE /file/upload removes the placeholder and its lock. Best effort: the original error matters more. */
async function cancelSession(transport: Transport, session: UploadSession): Promise<void> {
	await transport.request({ method: 'DELETE', path: '/file/upload', body: { id: session.id, uri: session.uri } }).catch(() => undefined);
}

/**
 * POST /file/upload/<session>/<index>, in order (the local driver writes at index × chunk size).
 * A chunk is written whole at its place, so sending it again is harmless.
 */
async function uploadToCloudreve(transport: Transport, session: UploadSession, source: UploadSource): Promise<void> {
	let index = 0;
	for await (const chunk of chunksOf(source, session.chunkSize)) {
		const reply = await transport.request({
			method: 'POST',
			path: `/file/upload/${encodeURIComponent(session.id)}/${index}`,
			body: chunk,
			headers: { 'Content-Type': OCTET_STREAM, 'Content-Length': String(chunk.length) },
			retry: 'always',
		});
		if (reply.code !== 0) throw transport.failure(reply, 'upload');
		index++;
	}
}

/** PUT /file/content: the server writes the body itself (a new version if the file exists). */
async function putContent(transport: Transport, path: DrivePath, body: Buffer, policyType?: string): Promise<UploadedFile> {
	const reply = await transport.request({
		method: 'PUT',
		path: `/file/content?uri=${encodeURIComponent(toFileUri(path))}`,
		body,
		headers: { 'Content-Type': OCTET_STREAM, 'Content-Length': String(body.length) },
	});
	if (reply.code === FILE_TOO_LARGE && policyType !== undefined) {
		throw new CloudreveError(`Cloudreve refused to take the file for the "${policyType}" storage policy itself: it is larger than the server's edit size limit (Cloudreve code ${FILE_TOO_LARGE})`, {
			description: `${unsupportedPolicy(policyType)} An admin can also raise the "maxEditSize" setting.`,
			kind: 'api',
			cloudreveCode: FILE_TOO_LARGE,
		});
	}
	if (reply.code !== 0) throw transport.failure(reply, 'upload');
	return toEntry((reply.data ?? {}) as IDataObject);
}

function unsupportedPolicy(policyType: string): string {
	return `This node sends files to local, remote (slave), OneDrive, S3 and KS3 storage policies; for "${policyType}" only files up to ${CONTENT_PUT_MAX_BYTES / 1024 / 1024} MiB, through Cloudreve itself. An admin can turn on relay ("upload through Cloudreve") in the storage policy, or give the user group another policy.`;
}

/** An empty file: no chunk can carry 0 bytes (offset 0 ≥ size 0 is 40012), so it is created. */
async function uploadEmpty(transport: Transport, path: DrivePath, conflict: ConflictRule): Promise<UploadedFile> {
	const reply = await transport.request({ method: 'POST', path: '/file/create', body: { uri: toFileUri(path), type: 'file', err_on_conflict: true }, retry: 'ifNotSent' });
	if (reply.code === 0) return toEntry((reply.data ?? {}) as IDataObject);
	if (reply.code === OBJECT_EXISTED && conflict === 'replace') return await putContent(transport, path, Buffer.alloc(0));
	throw transport.failure(reply, 'upload');
}

const secretPath = (session: UploadSession) => `${encodeURIComponent(session.id)}/${encodeURIComponent(session.callbackSecret)}`;

async function uploadThroughOneDrive(transport: Transport, session: UploadSession, source: UploadSource): Promise<void> {
	await uploadToOneDrive(transport, session, source);
	await completionCallback(transport, 'POST', `/callback/onedrive/${secretPath(session)}`);
}

async function uploadThroughS3(transport: Transport, session: UploadSession, source: UploadSource): Promise<void> {
	await uploadToS3(transport, session, source);
	await completionCallback(transport, 'GET', `/callback/${session.policyType}/${secretPath(session)}`);
}

/** Policies whose bytes this node sends itself; relayed policies count as local (createSession). */
const SENDERS = new Map<string, (transport: Transport, session: UploadSession, source: UploadSource) => Promise<void>>([
	['local', uploadToCloudreve],
	['remote', uploadToSlave],
	['onedrive', uploadThroughOneDrive],
	['s3', uploadThroughS3],
	['ks3', uploadThroughS3],
]);

/**
 * Any other policy wants a provider flow this node does not have (wave2 §2.2 "Other policy
 * types"). The session still did its checks (name, size, extension, quota, conflict); its
 * placeholder would lock the name against PUT /file/content (40073), so it goes first.
 */
async function uploadThroughServer(transport: Transport, session: UploadSession, path: DrivePath, source: UploadSource): Promise<UploadedFile> {
	await cancelSession(transport, session);
	if (source.size > CONTENT_PUT_MAX_BYTES) {
		throw new CloudreveError(`Cannot upload ${formatPath(path)} (${source.size} bytes) to the "${session.policyType}" storage policy`, {
			description: unsupportedPolicy(session.policyType),
			kind: 'config',
		});
	}
	return await putContent(transport, path, await wholeBody(source), session.policyType);
}

export async function uploadFile(transport: Transport, folder: FolderPath, name: string, source: UploadSource, { conflict }: { conflict: ConflictRule }): Promise<UploadedFile> {
	const path = [...folder, name];
	if (conflict === 'skip') {
		const existing = await findEntry(transport, path);
		if (existing !== undefined) return { ...existing, skipped: true };
	}
	if (source.size === 0) return await uploadEmpty(transport, path, conflict);
	const policyId = await policyIdOf(transport, folder);
	const session = await createSession(transport, path, source, policyId, conflict);
	const send = SENDERS.get(session.policyType);
	if (send === undefined) return await uploadThroughServer(transport, session, path, source);
	await send(transport, session, source).catch(async (error: unknown) => {
		await cancelSession(transport, session);
		throw error;
	});
	// No reply of the upload itself describes the file.
	return await getEntry(transport, path);
}
