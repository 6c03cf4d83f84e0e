/**
 * Uploads of the fake server, both generations (cloudreve-api-wave2.md §2; cloudreve-api.md §6):
 * 3.0–3.4 raw-stream POST, 3.5+ and 4.x upload sessions with strict chunk checks, 3.x create +
 * update, 4.x PUT /file/content, and the callbacks that finish S3 and OneDrive uploads. The fake
 * provider endpoints themselves (S3, OneDrive, slave) are in providers.ts.
 */
import { randomBytes, randomUUID } from 'crypto';

import { mkdirs } from './files-v3';
import { ensureFoldersV4, fileResponse, namesOf, resolveUri, storagePolicyV4, uriOf } from './files-v4';
import type { Routes } from './routes';
import { dispatch } from './routes';
import type { FakeCloudreve, Generation, Node, Reply, RouteContext } from './server';
import type { UploadSession } from './storage';
import {
	chunkCount,
	decodableId,
	declaredLength,
	detach,
	expectedChunkLength,
	extensionOf,
	findById,
	joinPath,
	policyId,
	quotaSizeOf,
} from './storage';
import { versionAtLeast } from './util';

type Context = RouteContext & { email: string };

/** Routes whose body is raw bytes, not JSON (the core must not answer "JSON marshall error"). */
export function isRawBodyRoute(generation: Generation, method: string, route: string): boolean {
	if (method === 'POST' && /^\/file\/upload(\/[^/]+\/[^/]+)?$/.test(route)) return true;
	if (generation === 'v3') return method === 'PUT' && /^\/file\/update\/[^/]+$/.test(route);
	return method === 'PUT' && route === '/file/content';
}

// ---------------------------------------------------------------- errors per era

/** The 3.x constants before 3.6 were mistyped: 400011, 400012, 400013 (base doc §1.3). */
function uploadCode(server: FakeCloudreve, code: 40011 | 40012 | 40013): number {
	return server.generation === 'v3' && !server.atLeast36 ? code + 360000 : code;
}

export function sessionExpired(server: FakeCloudreve): Reply {
	if (server.generation === 'v4') return server.fail(40011, 'Upload session not exist or expired');
	return server.fail(uploadCode(server, 40011), server.atLeast36 ? 'Local upload session expired or not exist' : '本地上传会话已过期或不存在');
}

function chunkOutOfOrder(server: FakeCloudreve, reason: 'order' | 'range'): Reply {
	const english = reason === 'order' ? 'Chunk must be uploaded in order' : 'Chunk index out of range';
	const chinese = reason === 'order' ? '分片必须按顺序上传' : '分片序号超出范围';
	return server.fail(uploadCode(server, 40012), server.generation === 'v4' || server.atLeast36 ? english : chinese);
}

function badLength(server: FakeCloudreve, expected: number): Reply {
	return server.fail(uploadCode(server, 40013), `Invalid Content-Length (expected: ${expected})`);
}

function policyNotAllowed(server: FakeCloudreve): Reply {
	return server.fail(40006, server.generation === 'v4' || server.atLeast36 ? 'Storage policy not supported' : '存储策略不支持此操作');
}

function objectExisted(server: FakeCloudreve): Reply {
	return server.fail(40004, server.generation === 'v4' || server.atLeast36 ? 'Object existed' : '同名文件或目录已存在');
}

/**
 * The checks every new content goes through (name, policy max size, extension, quota), in the
 * order of 3.x HookValidateFile + HookValidateCapacity. From 3.5 each has its own code (40052,
 * 40049, 40050, 40051; Chinese before 3.6); the 3.0–3.4 stream upload wraps them all in 40002.
 */
function validateContent(server: FakeCloudreve, email: string, name: string, size: number, replacing?: Node): Reply | undefined {
	const english = server.generation === 'v4' || server.atLeast36;
	const wrapped = server.generation === 'v3' && !versionAtLeast(server.version, '3.5.0');
	const refuse = (code: number, en: string, zh: string) => (wrapped ? server.fail(40002, zh) : server.fail(code, english ? en : zh));
	const { maxFileSize, allowedExtensions, quotaBytes } = server.options;
	if (server.nameError(name) || (server.generation === 'v3' && name.endsWith(' '))) return refuse(40052, 'Invalid object name', '目标名称非法');
	if (maxFileSize > 0 && size > maxFileSize) return refuse(40049, 'File is too large', '单个文件尺寸太大');
	if (allowedExtensions.length > 0 && !allowedExtensions.map((e) => e.toLowerCase()).includes(extensionOf(name))) {
		return refuse(40050, 'File type not allowed', '不允许上传此类型的文件');
	}
	const freed = replacing ? quotaSizeOf(replacing) : 0;
	if (server.usedBytes(email) - freed + size > quotaBytes) return refuse(40051, 'Insufficient capacity', '容量空间不足');
	return undefined;
}

// ---------------------------------------------------------------- sessions

function newSession(server: FakeCloudreve, email: string, path: string, size: number, overwrite: boolean): UploadSession {
	const { storagePolicy, relay, chunkSize } = server.options;
	const v4Relay = server.generation === 'v4' && relay;
	const expires = Math.floor(Date.now() / 1000) + 86400;
	const id = randomUUID();
	const session: UploadSession = {
		id,
		generation: server.generation,
		email,
		path,
		size,
		// relay forces chunk_size 0: the whole file in one request (wave2 §2.2).
		chunkSize: v4Relay ? 0 : chunkSize,
		expires,
		expired: false,
		policyType: storagePolicy,
		relay: v4Relay,
		overwrite,
		callbackSecret: randomBytes(16).toString('hex'),
		credential: `${server.signer.token(`slave:${id}`)}:${expires}`,
		parts: [],
		etags: [],
		providerComplete: false,
	};
	if (storagePolicy === 's3') session.uploadId = randomBytes(12).toString('hex');
	server.uploadSessions.set(id, session);
	return session;
}

/** What a client needs for the policy's own upload flow (wave2 §2.1, §2.2 "Other policy types"). */
function providerFields(server: FakeCloudreve, session: UploadSession): { uploadURLs?: string[]; credential?: string; completeURL?: string; uploadID?: string } {
	if (session.relay) return {};
	const name = encodeURIComponent(session.path.slice(session.path.lastIndexOf('/') + 1));
	switch (session.policyType) {
		case 'remote':
			return { uploadURLs: [`${server.url}/fake-slave/api/${session.generation}/slave/upload/${session.id}`], credential: session.credential };
		case 's3': {
			const base = `${server.url}/fake-s3/cloudreve/uploads/${session.id}/${name}`;
			const uploadId = session.uploadId!;
			const parts = Array.from({ length: chunkCount(session) }, (_, i) => {
				const sign = server.signer.token(`${uploadId}:${i + 1}`);
				return `${base}?partNumber=${i + 1}&uploadId=${uploadId}&X-Amz-Expires=3600&X-Amz-Signature=${sign}`;
			});
			return { uploadURLs: parts, completeURL: `${base}?uploadId=${uploadId}&X-Amz-Signature=${server.signer.token(`${uploadId}:complete`)}`, uploadID: uploadId };
		}
		case 'onedrive':
			return { uploadURLs: [`${server.url}/fake-onedrive/upload/${session.id}?tempauth=${server.signer.token(`onedrive:${session.id}`)}`] };
		case 'qiniu':
			// Qiniu's UpToken and upload host: nothing the node can use (it must fall back, wave2 §2.2).
			return { uploadURLs: [`${server.url}/fake-qiniu/upload`], credential: `qiniu-ak:${randomBytes(12).toString('base64url')}:e30=` };
		default:
			return {};
	}
}

/** PUT /file/upload on 3.5+ (wave2 §2.1): `path` is the folder, missing folders are created. */
function createSessionV3({ server, email, body }: Context): Reply {
	const { path, name, size } = body;
	if (typeof path !== 'string' || path === '' || typeof name !== 'string' || name === '' || typeof body.policy_id !== 'string' || body.policy_id === '') {
		return server.fail(40001, server.atLeast36 ? 'Parameter error' : '参数错误');
	}
	if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) return server.fail(40001, 'JSON marshall error');
	if (!decodableId(body.policy_id)) return server.fail(40035, server.atLeast36 ? 'Failed to parse policy ID' : '无法解析存储策略ID');
	// The message is Chinese even in 3.8.3 (wave2 §2.1).
	if (body.policy_id !== policyId(server.options.storagePolicy)) return server.fail(40006, '存储策略发生变化，请刷新文件列表并重新添加此任务');
	// Relative, trailing or double slashes: the path walker finds nothing (base doc §7).
	if (!path.startsWith('/') || (path !== '/' && (path.endsWith('/') || path.includes('//')))) return server.notFoundV3('路径不存在');
	const invalid = validateContent(server, email, name, size);
	if (invalid) return invalid;
	const target = joinPath(path, name);
	const existing = server.tree(email).get(target);
	if (existing?.uploadSessionId) return server.fail(40054, server.atLeast36 ? 'Upload session existed' : '当前目录下已经有同名文件正在上传中');
	if (existing) return objectExisted(server);
	if (mkdirs(server, email, server.clean(path)) === 'file') return objectExisted(server);
	const session = newSession(server, email, target, size, false);
	addPlaceholder(server, session);
	const { uploadURLs, credential, completeURL, uploadID } = providerFields(server, session);
	return server.ok({
		sessionID: session.id,
		chunkSize: session.chunkSize,
		expires: session.expires,
		...(uploadURLs ? { uploadURLs } : {}),
		...(credential ? { credential } : {}),
		...(uploadID ? { uploadID } : {}),
		...(completeURL ? { completeURL } : {}),
	});
}

function addPlaceholder(server: FakeCloudreve, session: UploadSession): void {
	const name = session.path.slice(session.path.lastIndexOf('/') + 1);
	const now = new Date().toISOString();
	server.tree(session.email).set(session.path, { type: 'file', id: server.newId(), name, createdAt: now, uploadSessionId: session.id, uploadSize: session.size, chunks: [] });
}

/** PUT /file/upload on 4.x (wave2 §2.2): policy_id must decode but its value is ignored; entity_type "version" overwrites. */
function createSessionV4({ server, email, body }: Context): Reply {
	if (!decodableId(body.policy_id)) return server.fail(40001, 'unknown policy id');
	const target = resolveUri(server, body.uri);
	if ('body' in target) return target;
	const { size } = body;
	if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) return server.fail(40001, 'Parameter error');
	const entityType = body.entity_type ?? '';
	if (!['', 'version', 'live_photo'].includes(entityType as string)) return server.fail(40001, 'Parameter error');
	if (target.names.length === 0) return objectExisted(server);
	const existing = server.tree(email).get(target.path);
	const lock = existing?.uploadSessionId ? server.uploadSessions.get(existing.uploadSessionId) : undefined;
	if (lock && !lock.expired) {
		return server.fail(40073, 'Lock conflict', { data: [{ token: `opaquelocktoken:${lock.id}`, type: 'upload', path: uriOf(target.path) }] });
	}
	if (existing && (existing.type === 'folder' || entityType === '')) return objectExisted(server);
	if (!existing && entityType === 'live_photo') return server.fail(40016, 'Path not exist');
	const invalid = validateContent(server, email, target.names[target.names.length - 1], size, existing);
	if (invalid) return invalid;
	if (ensureFoldersV4(server, email, target.names, false) === 'fileAncestor') return server.fail(403, 'Not supported action');
	const session = newSession(server, email, target.path, size, existing !== undefined);
	session.uri = uriOf(target.path);
	if (!existing) addPlaceholder(server, session);
	const { uploadURLs, credential, completeURL, uploadID } = providerFields(server, session);
	return server.ok({
		session_id: session.id,
		...(uploadID ? { upload_id: uploadID } : {}),
		chunk_size: session.chunkSize,
		expires: session.expires,
		...(uploadURLs ? { upload_urls: uploadURLs } : {}),
		...(credential ? { credential } : {}),
		...(completeURL ? { completeURL } : {}),
		storage_policy: storagePolicyV4(server),
		uri: session.uri,
		callback_secret: session.callbackSecret,
		mime_type: typeof body.mime_type === 'string' && body.mime_type !== '' ? body.mime_type : 'application/octet-stream',
	});
}

/** Turns the placeholder (or, for a 4.x "version" upload, the existing file) into the uploaded file; the session ends. */
export function completeUpload(server: FakeCloudreve, session: UploadSession, parts: Buffer[]): void {
	server.uploadSessions.delete(session.id);
	const node = server.tree(session.email).get(session.path);
	if (!node) return;
	node.chunks = parts;
	delete node.pattern;
	delete node.uploadSessionId;
	delete node.uploadSize;
	node.updatedAt = new Date().toISOString();
	node.entityId = server.newId();
}

/** A session of this user that may still be used, or the reply for one that may not. */
export function liveSession(server: FakeCloudreve, id: string, email: string | undefined): UploadSession | Reply {
	const session = server.uploadSessions.get(id);
	if (!session || session.expired || (email !== undefined && session.email.toLowerCase() !== email.toLowerCase())) return sessionExpired(server);
	return session;
}

/**
 * One chunk, as Cloudreve's processChunkUpload checks it (wave2 §2.1 step 3, §2.2 step 2): the exact
 * length (40013), then the order. 3.x: skipping ahead → 40012, re-sending an earlier chunk truncates
 * the file there and writes it again. 4.x local driver: skipping ahead → 50004 (derived), an earlier
 * chunk is overwritten in place. The chunk that reaches `size` completes the file; no file object
 * is returned. Also the slave's chunk endpoint (providers.ts).
 */
export function acceptChunk(server: FakeCloudreve, session: UploadSession, indexText: string, context: RouteContext): Reply {
	if (!/^\d+$/.test(indexText)) return server.fail(40001, 'Parameter error');
	const index = Number(indexText);
	const { size, chunkSize } = session;
	if (chunkSize === 0 && index > 0) return chunkOutOfOrder(server, 'range');
	const start = index * chunkSize;
	if (server.generation === 'v4' ? start >= size : start > size || (index > 0 && start === size)) return chunkOutOfOrder(server, 'range');
	const expected = expectedChunkLength(session, index);
	const declared = declaredLength(context.headers, server.generation === 'v4');
	const bytes = context.bytes;
	if (declared !== expected || bytes.length !== expected) return badLength(server, expected);
	if (index > session.parts.length) return server.generation === 'v4' ? server.fail(50004, 'Failed to upload file') : chunkOutOfOrder(server, 'order');
	if (server.generation === 'v3') session.parts.length = index;
	session.parts[index] = bytes;
	if (start + expected >= size) completeUpload(server, session, session.parts);
	return server.ok();
}

/** POST /file/upload/:session/:index — local policy (or 4.x relay) only. */
function chunk(context: Context, [id, index]: string[]): Reply {
	const { server, email } = context;
	const session = liveSession(server, id, email);
	if ('body' in session) return session;
	if (session.generation !== server.generation) return sessionExpired(server);
	if (session.policyType !== 'local' && !session.relay) return policyNotAllowed(server);
	return acceptChunk(server, session, index, context);
}

/** 3.x DELETE /file/upload/:session: finds the placeholder by its session id, so it works after expiry too (derived). */
function cancelV3({ server, email }: Context, [id]: string[]): Reply {
	const tree = server.tree(email);
	const placeholder = [...tree.entries()].find(([, node]) => node.uploadSessionId === id);
	if (!placeholder) return sessionExpired(server);
	detach(tree, server.uploadSessions, placeholder[0]);
	server.uploadSessions.delete(id);
	return server.ok();
}

/** 3.x DELETE /file/upload: every upload session of the user. */
function cancelAllV3({ server, email }: Context): Reply {
	const tree = server.tree(email);
	for (const [path, node] of [...tree.entries()]) if (node.uploadSessionId) detach(tree, server.uploadSessions, path);
	for (const [id, session] of server.uploadSessions) if (session.email.toLowerCase() === email.toLowerCase()) server.uploadSessions.delete(id);
	return server.ok();
}

/** 4.x DELETE /file/upload {id, uri}: removes the placeholder whose metadata names the session (works after expiry). */
function cancelV4({ server, email, body }: Context): Reply {
	if (typeof body.id !== 'string' || body.id === '') return server.fail(40001, 'Parameter error');
	const target = resolveUri(server, body.uri);
	if ('body' in target) return target;
	const tree = server.tree(email);
	const node = tree.get(target.path);
	const session = server.uploadSessions.get(body.id);
	if (node?.uploadSessionId === body.id) {
		detach(tree, server.uploadSessions, target.path);
		return server.ok();
	}
	if (session && session.email.toLowerCase() === email.toLowerCase() && session.path === target.path) {
		server.uploadSessions.delete(body.id);
		return server.ok();
	}
	return node ? sessionExpired(server) : server.fail(40016, 'Path not exist');
}

// ---------------------------------------------------------------- uploads without a session

/** 3.0–3.4 POST /file/upload: the raw body with X-Cr-FileName / X-Cr-Path (3.4) or X-FileName / X-Path (base doc §6.1). */
function streamUploadV3(context: Context): Reply {
	const { server, email, headers } = context;
	const prefix = versionAtLeast(server.version, '3.4.0') ? 'x-cr-' : 'x-';
	const length = declaredLength(headers, false);
	const rawName = headers[`${prefix}filename`];
	const rawPath = headers[`${prefix}path`];
	if (length === undefined || typeof rawName !== 'string' || typeof rawPath !== 'string') return server.fail(40001, '参数错误');
	let name: string;
	let path: string;
	try {
		// Go's url.QueryUnescape: "+" is a space.
		name = decodeURIComponent(rawName.replace(/\+/g, ' '));
		path = decodeURIComponent(rawPath.replace(/\+/g, ' '));
	} catch {
		return server.fail(40001, '参数错误');
	}
	if (server.options.storagePolicy !== 'local') return server.fail(40006, '当前存储策略无法使用');
	const invalid = validateContent(server, email, name, length);
	if (invalid) return invalid;
	if (!path.startsWith('/')) return server.notFoundV3('路径不存在');
	const target = joinPath(`/${server.clean(path).join('/')}`, name);
	if (server.tree(email).has(target)) return objectExisted(server);
	// GenericAfterUpload creates the missing folders.
	if (mkdirs(server, email, server.clean(path)) === 'file') return objectExisted(server);
	const now = new Date().toISOString();
	server.tree(email).set(target, { type: 'file', id: server.newId(), name, createdAt: now, chunks: [...context.parts], entityId: server.newId() });
	return server.ok();
}

/** 3.x POST /file/create {path}: an empty file, parents created; no data in the reply (wave2 §2.1 step 5). */
function createEmptyV3({ server, email, body }: Context): Reply {
	const path = body.path;
	if (typeof path !== 'string' || !path.startsWith('/')) return server.fail(40001, server.atLeast36 ? 'Parameter error' : '参数错误');
	const names = server.clean(path);
	if (names.length === 0) return objectExisted(server);
	const name = names[names.length - 1];
	const invalid = validateContent(server, email, name, 0);
	if (invalid) return invalid;
	const target = `/${names.join('/')}`;
	if (server.tree(email).has(target)) return objectExisted(server);
	if (mkdirs(server, email, names.slice(0, -1)) === 'file') return objectExisted(server);
	server.tree(email).set(target, { type: 'file', id: server.newId(), name, createdAt: new Date().toISOString(), chunks: [], entityId: server.newId() });
	return server.ok();
}

/** 3.x PUT /file/update/:id: the server writes the raw body itself, so any policy works; max size and quota apply. */
function updateV3(context: Context, [id]: string[]): Reply {
	const { server, email } = context;
	if (!decodableId(id)) return server.fail(40001, server.atLeast36 ? 'Failed to parse object ID' : '无法解析对象ID');
	const found = findById(server.tree(email), id, 'file');
	if (!found || found[1].uploadSessionId) return server.notFoundV3('对象不存在', 'Object not exist');
	const node = found[1];
	const length = context.parts.reduce((sum, part) => sum + part.length, 0);
	const invalid = validateContent(server, email, node.name, length, node);
	if (invalid) return invalid;
	node.chunks = [...context.parts];
	delete node.pattern;
	node.updatedAt = new Date().toISOString();
	node.entityId = server.newId();
	return server.ok();
}

/** 4.x PUT /file/content?uri=: creates the file or a new version; at most maxEditSize (wave2 §2.2 step 4). */
function putContentV4(context: Context): Reply {
	const { server, email, query } = context;
	const target = resolveUri(server, query.get('uri'));
	if ('body' in target) return target;
	if (target.names.length === 0) return objectExisted(server);
	const length = context.parts.reduce((sum, part) => sum + part.length, 0);
	if (length > server.options.maxEditSize) return server.fail(40049, 'File is too large');
	const tree = server.tree(email);
	const existing = tree.get(target.path);
	if (existing?.type === 'folder') return objectExisted(server);
	if (existing?.uploadSessionId && server.uploadSessions.has(existing.uploadSessionId)) return server.fail(40073, 'Lock conflict');
	const invalid = validateContent(server, email, target.names[target.names.length - 1], length, existing);
	if (invalid) return invalid;
	if (ensureFoldersV4(server, email, target.names, false) === 'fileAncestor') return server.fail(403, 'Not supported action');
	const now = new Date().toISOString();
	const node: Node = existing ?? { type: 'file', id: server.newId(), name: target.names[target.names.length - 1], createdAt: now };
	node.chunks = [...context.parts];
	delete node.pattern;
	delete node.uploadSessionId;
	delete node.uploadSize;
	node.updatedAt = now;
	node.entityId = server.newId();
	tree.set(target.path, node);
	return server.ok(fileResponse(server, namesOf(target.path), node));
}

// ---------------------------------------------------------------- provider callbacks

/** The provider holds the object: create the file. Not yet complete → 40002 (the real callback checks the object's size). */
function finishFromProvider(server: FakeCloudreve, session: UploadSession): Reply {
	if (!session.providerComplete) return server.fail(40002, server.generation === 'v4' || server.atLeast36 ? 'Failed to get file info' : '无法获取文件信息');
	completeUpload(server, session, session.parts);
	return server.ok();
}

function callbackSession(server: FakeCloudreve, id: string, type: 's3' | 'onedrive', email?: string, secret?: string): UploadSession | Reply {
	const session = liveSession(server, id, email);
	if ('body' in session) return session;
	if (session.policyType !== type || session.relay || (secret !== undefined && secret !== session.callbackSecret)) return sessionExpired(server);
	return session;
}

/** 3.x GET /callback/s3/:session (no login) and 4.x GET /callback/s3/:session/:secret. */
function s3Callback({ server }: Context, [id, secret]: string[]): Reply {
	const session = callbackSession(server, id, 's3', undefined, server.generation === 'v4' ? secret : undefined);
	return 'body' in session ? session : finishFromProvider(server, session);
}

/** 3.x POST /callback/onedrive/finish/:session (cookie) and 4.x POST /callback/onedrive/:session/:secret. */
function oneDriveCallback({ server, email }: Context, [id, secret]: string[]): Reply {
	const session = callbackSession(server, id, 'onedrive', server.generation === 'v3' ? email : undefined, server.generation === 'v4' ? secret : undefined);
	return 'body' in session ? session : finishFromProvider(server, session);
}

const V3_ROUTES: Routes = [
	{ method: 'POST', path: /^\/file\/upload$/, until: '3.5.0', handler: streamUploadV3 },
	{ method: 'PUT', path: /^\/file\/upload$/, since: '3.5.0', handler: createSessionV3 },
	{ method: 'POST', path: /^\/file\/upload\/([^/]+)\/([^/]+)$/, since: '3.5.0', handler: chunk },
	{ method: 'DELETE', path: /^\/file\/upload\/([^/]+)$/, since: '3.5.0', handler: cancelV3 },
	{ method: 'DELETE', path: /^\/file\/upload$/, since: '3.5.0', handler: cancelAllV3 },
	{ method: 'POST', path: /^\/file\/create$/, handler: createEmptyV3 },
	{ method: 'PUT', path: /^\/file\/update\/([^/]+)$/, handler: updateV3 },
	{ method: 'GET', path: /^\/callback\/s3\/([^/]+)$/, since: '3.5.0', anonymous: true, handler: s3Callback },
	{ method: 'POST', path: /^\/callback\/onedrive\/finish\/([^/]+)$/, since: '3.5.0', handler: oneDriveCallback },
];

const V4_ROUTES: Routes = [
	{ method: 'PUT', path: /^\/file\/upload$/, handler: createSessionV4 },
	{ method: 'POST', path: /^\/file\/upload\/([^/]+)\/([^/]+)$/, handler: chunk },
	{ method: 'DELETE', path: /^\/file\/upload$/, handler: cancelV4 },
	{ method: 'PUT', path: /^\/file\/content$/, handler: putContentV4 },
	{ method: 'GET', path: /^\/callback\/s3\/([^/]+)\/([^/]+)$/, anonymous: true, handler: s3Callback },
	{ method: 'POST', path: /^\/callback\/onedrive\/([^/]+)\/([^/]+)$/, anonymous: true, handler: oneDriveCallback },
];

export function uploadRoutes(context: RouteContext): Reply | Promise<Reply> | undefined {
	const { server } = context;
	if (server.generation === 'v3') return dispatch(V3_ROUTES, context, () => server.loginRequiredV3());
	return dispatch(V4_ROUTES, context, () => server.loginRequiredV4());
}
