/**
 * The files model both generations of the fake server share (cloudreve-api-wave2.md §1–§4): nodes
 * whose bytes stay as the chunks they arrived in (concatenated only when a test asks), pattern
 * files generated on the fly (a 1 GiB download costs no memory), storage policies, quota, upload
 * sessions, signed URLs and HTTP Range serving.
 */
import { createHash, createHmac, randomBytes } from 'crypto';
import type http from 'http';

import type { FakeCloudreve, Reply } from './server';

// ---------------------------------------------------------------- nodes

export interface Node {
	type: 'folder' | 'file';
	id: string;
	name: string;
	createdAt: string;
	/** Defaults to createdAt. */
	updatedAt?: string;
	/** Files: the bytes as stored, one Buffer per chunk (absent = empty). */
	chunks?: Buffer[];
	/** Files: bytes generated from a seed instead of stored (see FakeCloudreve.addPatternFile). */
	pattern?: { size: number; seed: number };
	/** 4.x: the blob ("entity") behind the file, named in download URLs; new on every content change. */
	entityId?: string;
	/** A placeholder of an upload in progress (3.x hides it, 4.x lists it): the session id. */
	uploadSessionId?: string;
	/** The size the placeholder's upload announced (it counts against the quota meanwhile). */
	uploadSize?: number;
}

export type Tree = Map<string, Node>;

/** The bytes a file holds now (folders and placeholders 0). */
export function sizeOf(node: Node): number {
	if (node.type === 'folder' || node.uploadSessionId) return 0;
	if (node.pattern) return node.pattern.size;
	return (node.chunks ?? []).reduce((sum, chunk) => sum + chunk.length, 0);
}

/** What the node costs against the quota: a placeholder already reserves its announced size (wave2 §2.1). */
export function quotaSizeOf(node: Node): number {
	return node.uploadSessionId ? node.uploadSize ?? 0 : sizeOf(node);
}

const PATTERN_BLOCK = 64 * 1024;

const patternBases = new Map<number, Buffer>();

/** 64 KiB of xorshift bytes per seed; block k of a pattern file is this base with k stamped in. */
function patternBase(seed: number): Buffer {
	let base = patternBases.get(seed);
	if (!base) {
		base = Buffer.alloc(PATTERN_BLOCK);
		let x = seed >>> 0 || 0x9e3779b9;
		for (let i = 0; i < PATTERN_BLOCK; i += 4) {
			x ^= x << 13;
			x ^= x >>> 17;
			x ^= x << 5;
			x >>>= 0;
			base.writeUInt32LE(x, i);
		}
		patternBases.set(seed, base);
	}
	return base;
}

function patternBlock(seed: number, index: number): Buffer {
	const block = Buffer.from(patternBase(seed));
	// The block number at the start and in the middle: swapped or shifted blocks never match.
	block.writeUInt32BE((block.readUInt32BE(0) ^ index) >>> 0, 0);
	block.writeUInt32BE((block.readUInt32BE(PATTERN_BLOCK / 2) ^ Math.imul(index + 1, 2654435761)) >>> 0, PATTERN_BLOCK / 2);
	return block;
}

/** The bytes [start, end) of a file, as a sequence of Buffers (no copy of stored chunks). */
export function* readParts(node: Node, start = 0, end = sizeOf(node)): Generator<Buffer> {
	if (end <= start) return;
	if (node.pattern) {
		const { seed } = node.pattern;
		for (let index = Math.floor(start / PATTERN_BLOCK); index * PATTERN_BLOCK < end; index++) {
			const blockStart = index * PATTERN_BLOCK;
			const block = patternBlock(seed, index);
			yield block.subarray(Math.max(0, start - blockStart), Math.min(PATTERN_BLOCK, end - blockStart));
		}
		return;
	}
	let offset = 0;
	for (const chunk of node.chunks ?? []) {
		const chunkEnd = offset + chunk.length;
		if (chunkEnd > start && offset < end) yield chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, end - offset));
		offset = chunkEnd;
		if (offset >= end) return;
	}
}

/** The whole content as one Buffer (tests only; refuses huge pattern files). */
export function contentOf(node: Node): Buffer {
	if (sizeOf(node) > 256 * 1024 * 1024) throw new Error(`fileContent: ${node.name} is ${sizeOf(node)} bytes; use sha256() for big files`);
	return Buffer.concat([...readParts(node)]);
}

export function sha256Of(node: Node): string {
	const hash = createHash('sha256');
	for (const part of readParts(node)) hash.update(part);
	return hash.digest('hex');
}

// ---------------------------------------------------------------- paths

export function joinPath(parent: string, name: string): string {
	return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export function parentOf(path: string): string {
	const cut = path.lastIndexOf('/');
	return cut <= 0 ? '/' : path.slice(0, cut);
}

/** Creation order of ids ("id1", "id2", …), which is the database order the real listings use. */
export function idOrder(id: string): number {
	return parseInt(id.slice(2), 36) || 0;
}

/** Direct children of a folder, folders first, then files, each in creation order (wave2 §1.1). */
export function childrenOf(tree: Tree, folder: string): Array<[string, Node]> {
	const prefix = folder === '/' ? '/' : `${folder}/`;
	const children = [...tree.entries()].filter(([p]) => p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'));
	return sortEntries(children);
}

/** Everything below a folder (not the folder itself). */
export function descendantsOf(tree: Tree, folder: string): Array<[string, Node]> {
	const prefix = folder === '/' ? '/' : `${folder}/`;
	return sortEntries([...tree.entries()].filter(([p]) => p !== '/' && p.startsWith(prefix)));
}

function sortEntries(entries: Array<[string, Node]>): Array<[string, Node]> {
	return entries.sort(([, a], [, b]) => (a.type === b.type ? idOrder(a.id) - idOrder(b.id) : a.type === 'folder' ? -1 : 1));
}

/** The node and every path below it. */
export function subtreeOf(tree: Tree, path: string): Array<[string, Node]> {
	const node = tree.get(path);
	return node ? [[path, node], ...(node.type === 'folder' ? descendantsOf(tree, path) : [])] : [];
}

export function findById(tree: Tree, id: string, type?: Node['type']): [string, Node] | undefined {
	for (const entry of tree) if (entry[1].id === id && (!type || entry[1].type === type)) return entry;
	return undefined;
}

export function extensionOf(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Go's url.PathEscape (the 3.x Content-Disposition file name, wave2 §3.1). */
export function goPathEscape(text: string): string {
	return [...Buffer.from(text, 'utf8')]
		.map((byte) => {
			const char = String.fromCharCode(byte);
			return /[A-Za-z0-9\-_.~$&+=:@]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
		})
		.join('');
}

// ---------------------------------------------------------------- storage policies

export type StoragePolicyType = 'local' | 'remote' | 's3' | 'onedrive' | 'qiniu';

/** One hashid per policy type: switching `storagePolicy` mid-test looks like an admin changing the group's policy (40006). */
const POLICY_IDS: Record<StoragePolicyType, string> = { local: 'Gxsj', remote: 'Rm7d', s3: 'S3qP', onedrive: 'OdK2', qiniu: 'Qn8w' };

const POLICY_NAMES: Record<StoragePolicyType, string> = {
	local: 'Default storage policy',
	remote: 'Slave node',
	s3: 'S3 bucket',
	onedrive: 'OneDrive',
	qiniu: 'Qiniu',
};

export function policyId(type: StoragePolicyType): string {
	return POLICY_IDS[type];
}

export function policyName(type: StoragePolicyType, chinese: boolean): string {
	return type === 'local' && chinese ? '默认存储策略' : POLICY_NAMES[type];
}

/** What a hashid decoder accepts; anything else is an id "that cannot be decoded". */
export function decodableId(id: unknown): id is string {
	return typeof id === 'string' && /^[A-Za-z0-9]{2,}$/.test(id);
}

// ---------------------------------------------------------------- upload sessions

export interface UploadSession {
	id: string;
	generation: 'v3' | 'v4';
	email: string;
	/** The absolute path of the file being uploaded (kept up to date when a folder above moves). */
	path: string;
	size: number;
	/** 0 = the whole file in one chunk. */
	chunkSize: number;
	/** Unix seconds. */
	expires: number;
	/** expireUploadSessions() was called: every chunk and callback answers 40011 (400011 before 3.6). */
	expired: boolean;
	policyType: StoragePolicyType;
	/** 4.x storage_policy.relay: chunks go through Cloudreve whatever the policy type. */
	relay: boolean;
	/** 4.x entity_type "version": the upload replaces an existing file's content on completion. */
	overwrite: boolean;
	/** 4.x: the session's File URI and the secret in callback URLs. */
	uri?: string;
	callbackSecret: string;
	/** The Authorization value the fake slave expects, and the token in fake provider URLs. */
	credential: string;
	/** S3 multipart upload id. */
	uploadId?: string;
	/** Received bytes per chunk / part index (OneDrive: in arrival order). */
	parts: Buffer[];
	/** S3: the ETag handed out per part. */
	etags: string[];
	/** The provider holds the whole object (S3 complete, OneDrive last range): the callback may finish it. */
	providerComplete: boolean;
}

/** How many chunks (S3 parts, slave chunks…) a session's file takes. */
export function chunkCount(session: { size: number; chunkSize: number }): number {
	return session.chunkSize === 0 ? 1 : Math.max(1, Math.ceil(session.size / session.chunkSize));
}

/** The exact length chunk `index` must have. */
export function expectedChunkLength(session: { size: number; chunkSize: number }, index: number): number {
	if (session.chunkSize === 0) return session.size;
	return Math.max(0, Math.min(session.chunkSize, session.size - index * session.chunkSize));
}

/** The request's declared body length (Content-Length, or 4.x X-Expected-Entity-Length when streamed). */
export function declaredLength(headers: http.IncomingHttpHeaders, allowExpected: boolean): number | undefined {
	const raw = headers['content-length'] ?? (allowExpected ? headers['x-expected-entity-length'] : undefined);
	const value = Array.isArray(raw) ? raw[0] : raw;
	return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

// ---------------------------------------------------------------- trash (4.x)

export interface TrashEntry {
	/** Where the item was, e.g. "/docs/a.txt". */
	originalPath: string;
	deletedAt: string;
	/** The item and everything below it, paths relative to originalPath ("" = the item). */
	nodes: Array<[string, Node]>;
}

// ---------------------------------------------------------------- signed URLs

export class Signer {
	private readonly key = randomBytes(32);

	/** Cloudreve's "sign=<b64url hmac>:<unix expiry>" (0 = never expires), over the URL path. */
	sign(path: string, expires: number): string {
		return `${createHmac('sha256', this.key).update(`${path}:${expires}`).digest('base64url')}:${expires}`;
	}

	/** 'ok', or why the signature is refused. */
	check(path: string, sign: string | null): 'ok' | 'invalid' | 'expired' {
		const cut = sign?.lastIndexOf(':') ?? -1;
		if (!sign || cut < 0) return 'invalid';
		const expires = Number(sign.slice(cut + 1));
		if (!Number.isInteger(expires) || this.sign(path, expires) !== sign) return 'invalid';
		return expires !== 0 && expires < Date.now() / 1000 ? 'expired' : 'ok';
	}

	token(text: string): string {
		return createHmac('sha256', this.key).update(text).digest('base64url');
	}
}

/** Signature failures of the SignRequired middleware: expired 40005, otherwise CredentialInvalid per era (derived). */
export function signFailure(server: FakeCloudreve, result: 'invalid' | 'expired'): Reply {
	if (result === 'expired') return server.fail(40005, 'signature expired');
	return server.fail(server.generation === 'v4' || server.atLeast36 ? 40020 : 40001, 'invalid sign');
}

/** A signed download that is not a 4.x entity URL: 3.x download sessions and fake provider links. */
export interface DownloadTicket {
	email: string;
	nodeId: string;
	expires: number;
	/** Content-Disposition: attachment. */
	attachment: boolean;
}

// ---------------------------------------------------------------- serving content

export interface StreamBody {
	length: number;
	parts: Iterable<Buffer>;
}

export interface ContentReply {
	status: number;
	body: StreamBody | string;
	contentType: string;
	headers: Record<string, string>;
}

const MIME: Record<string, string> = {
	txt: 'text/plain; charset=utf-8',
	md: 'text/markdown; charset=utf-8',
	json: 'application/json',
	html: 'text/html; charset=utf-8',
	csv: 'text/csv; charset=utf-8',
	xml: 'text/xml; charset=utf-8',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	pdf: 'application/pdf',
	zip: 'application/zip',
	mp4: 'video/mp4',
	mkv: 'video/x-matroska',
	mp3: 'audio/mpeg',
};

export function mimeOf(name: string): string {
	return MIME[extensionOf(name)] ?? 'application/octet-stream';
}

/**
 * A file as Go's http.ServeContent (3.x) and 4.x entitysource.Serve send it (wave2 §3): one byte
 * range → 206 with Content-Range, an unsatisfiable one → 416, several ranges → the whole file
 * (allowed by RFC 9110; the node never asks for several).
 */
export function serveContent(node: Node, headers: http.IncomingHttpHeaders, disposition?: string): ContentReply {
	const size = sizeOf(node);
	const base: Record<string, string> = {
		'accept-ranges': 'bytes',
		'last-modified': new Date(node.updatedAt ?? node.createdAt).toUTCString(),
		...(disposition ? { 'content-disposition': disposition } : {}),
	};
	const contentType = mimeOf(node.name);
	const whole = (): ContentReply => ({ status: 200, contentType, headers: base, body: { length: size, parts: readParts(node) } });
	const range = headers.range;
	if (!range || range.includes(',')) return whole();
	const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
	const unsatisfiable = (): ContentReply => ({
		status: 416,
		contentType: 'text/plain; charset=utf-8',
		headers: { ...base, 'content-range': `bytes */${size}` },
		body: 'invalid range: failed to overlap\n',
	});
	if (!match || (match[1] === '' && match[2] === '')) return unsatisfiable();
	let start: number;
	let end: number;
	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0) return unsatisfiable();
		start = Math.max(0, size - suffix);
		end = size - 1;
	} else {
		start = Number(match[1]);
		end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
		if (start >= size || end < start) return unsatisfiable();
	}
	return {
		status: 206,
		contentType,
		headers: { ...base, 'content-range': `bytes ${start}-${end}/${size}` },
		body: { length: end - start + 1, parts: readParts(node, start, end + 1) },
	};
}

// ---------------------------------------------------------------- tree edits

/** Moves a node and everything below it to `to` (renaming it to the last segment); upload sessions inside follow. */
export function relocate(tree: Tree, sessions: Map<string, UploadSession>, email: string, from: string, to: string): void {
	const moving = subtreeOf(tree, from);
	for (const [path] of moving) tree.delete(path);
	for (const [path, node] of moving) tree.set(to + path.slice(from.length), node);
	const node = tree.get(to);
	if (node) node.name = to.slice(to.lastIndexOf('/') + 1);
	for (const session of sessions.values()) {
		if (session.email.toLowerCase() !== email.toLowerCase()) continue;
		if (session.path === from || session.path.startsWith(`${from}/`)) session.path = to + session.path.slice(from.length);
	}
}

/** Takes a node and everything below it out of the tree (placeholders inside lose their upload sessions). */
export function detach(tree: Tree, sessions: Map<string, UploadSession>, path: string): Array<[string, Node]> {
	const removed = subtreeOf(tree, path);
	for (const [p, node] of removed) {
		tree.delete(p);
		if (node.uploadSessionId) sessions.delete(node.uploadSessionId);
	}
	return removed;
}

/** Copies a node and everything below it to `to` with new ids; the bytes are shared, not copied (they never change in place). */
export function copySubtree(tree: Tree, newId: () => string, from: string, to: string): void {
	const now = new Date().toISOString();
	for (const [path, node] of subtreeOf(tree, from)) {
		// Files still being uploaded are skipped (wave2 §4.1).
		if (node.uploadSessionId) continue;
		const copy: Node = { ...node, id: newId(), createdAt: now, updatedAt: now, chunks: node.chunks ? [...node.chunks] : undefined };
		if (node.type === 'file') copy.entityId = newId();
		if (path === from) copy.name = to.slice(to.lastIndexOf('/') + 1);
		tree.set(to + path.slice(from.length), copy);
	}
}
