/**
 * The 4.x files domain of the fake server (cloudreve-api-wave2.md §1.2, §3.2, §4.2, §5.3, §7.1;
 * cloudreve-api.md §4.2, §6.2): cursor-paginated listing and search, info, create, download URLs
 * and the signed content route, delete (trash by default), move/copy, rename, direct links and
 * capacity. Everything is addressed by cloudreve://my URIs. Uploads are in uploads.ts.
 */
import { randomUUID } from 'crypto';

import type { Routes } from './routes';
import { dispatch } from './routes';
import type { FakeCloudreve, Node, Reply, RouteContext } from './server';
import {
	childrenOf,
	copySubtree,
	descendantsOf,
	detach,
	extensionOf,
	findById,
	goPathEscape,
	joinPath,
	parentOf,
	policyId,
	policyName,
	relocate,
	serveContent,
	signFailure,
	sizeOf,
	subtreeOf,
} from './storage';

type Context = RouteContext & { email: string };

/** Capability bitset of the real replies (every action allowed to the owner). */
const CAPABILITY = 'w8edAQ==';

export function namesOf(path: string): string[] {
	return path.split('/').filter(Boolean);
}

export function pathOf(names: string[]): string {
	return `/${names.join('/')}`;
}

/** The File URI of a path, every segment percent-encoded like JS encodeURIComponent (base doc §7). */
export function uriOf(path: string): string {
	const names = namesOf(path);
	return names.length === 0 ? 'cloudreve://my/' : `cloudreve://my${names.map((name) => `/${encodeURIComponent(name)}`).join('')}`;
}

/** A FileResponse (wave2 §1.2); placeholders of running uploads carry metadata sys:upload_session_id. */
export function fileResponse(server: FakeCloudreve, names: string[], node: Node) {
	const json: Record<string, unknown> = {
		type: node.type === 'folder' ? 1 : 0,
		id: node.id,
		name: node.name,
		created_at: node.createdAt,
		updated_at: node.updatedAt ?? node.createdAt,
		size: sizeOf(node),
		metadata: node.uploadSessionId ? { 'sys:upload_session_id': node.uploadSessionId } : null,
		path: uriOf(pathOf(names)),
		owned: true,
		capability: CAPABILITY,
	};
	if (node.type === 'file' && !node.uploadSessionId && node.entityId) json.primary_entity = node.entityId;
	return json;
}

export function storagePolicyV4(server: FakeCloudreve) {
	const { storagePolicy: type, maxFileSize, allowedExtensions, relay } = server.options;
	return {
		id: policyId(type),
		name: policyName(type, false),
		type,
		max_size: maxFileSize,
		...(allowedExtensions.length > 0 ? { allowed_suffix: allowedExtensions } : {}),
		...(relay ? { relay: true } : {}),
	};
}

/** A URI as a path, or the reply for a malformed one (40001 "unknown uri", 40052 bad name). */
export function resolveUri(server: FakeCloudreve, uri: unknown): { path: string; names: string[]; query: string } | Reply {
	const parsed = server.parseUri(uri);
	if (parsed === 'unknown') return server.fail(40001, 'unknown uri');
	if (parsed === 'invalidName') return server.fail(40052, 'Invalid object name');
	return { path: pathOf(parsed.names), names: parsed.names, query: parsed.query };
}

function isReply(value: unknown): value is Reply {
	return typeof value === 'object' && value !== null && 'body' in value;
}

function pathNotExist(server: FakeCloudreve): Reply {
	return server.fail(40016, 'Path not exist');
}

function notSupported(server: FakeCloudreve): Reply {
	return server.fail(403, 'Not supported action');
}

/** 40081 with one inner envelope per failed URI; `data` only where the real server keeps it (wave2 §3.2, §5.3). */
function aggregate(server: FakeCloudreve, failures: Map<string, { code: number; msg: string }>, data?: unknown): Reply {
	const aggregated: Record<string, unknown> = {};
	for (const [key, error] of failures) aggregated[key] = { ...error, correlation_id: randomUUID() };
	const msg = failures.size === 1 ? [...failures.values()][0].msg : 'One or more operation failed';
	return server.fail(40081, msg, { aggregated_error: aggregated, ...(data === undefined ? {} : { data }) });
}

function validName(name: unknown): name is string {
	return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && !/[\\/:*?"<>|]/.test(name) && Buffer.byteLength(name) <= 255;
}

/** Creates the missing folders above `names` (and the last one when `lastIsFolder`); 'fileAncestor' when a file is in the way. */
export function ensureFoldersV4(server: FakeCloudreve, email: string, names: string[], lastIsFolder: boolean): 'ok' | 'fileAncestor' {
	const tree = server.tree(email);
	for (let i = 1; i < names.length; i++) if (tree.get(pathOf(names.slice(0, i)))?.type === 'file') return 'fileAncestor';
	const upTo = lastIsFolder ? names.length : names.length - 1;
	for (let i = 1; i <= upTo; i++) {
		const current = pathOf(names.slice(0, i));
		if (!tree.has(current)) tree.set(current, { type: 'folder', id: server.newId(), name: names[i - 1], createdAt: new Date().toISOString() });
	}
	return 'ok';
}

// ---------------------------------------------------------------- list and search

const ORDER_BY = ['name', 'size', 'updated_at', 'created_at'];

const CATEGORIES: Record<string, string[]> = {
	image: ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'svg', 'ico', 'heic', 'heif', 'avif', 'tiff'],
	video: ['mp4', 'mkv', 'webm', 'avi', 'mov', 'flv', 'wmv', 'm4v', 'ts', 'rmvb', 'rm'],
	audio: ['mp3', 'flac', 'wav', 'ogg', 'm4a', 'aac', 'ape', 'wma', 'opus'],
	document: ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'txt', 'md', 'odt', 'ods', 'odp', 'rtf', 'epub'],
};

const SEARCH_KEYS = /^(name|name_op_or|use_or|case_folding|type|category|size_gte|size_lte|created_gte|created_lte|updated_gte|updated_lte|meta_.+)$/;

/** The filter of a search URI (wave2 §7.1); undefined when the URI has no search parameters (a plain listing). */
function searchFilter(queryText: string): ((node: Node) => boolean) | undefined {
	const query = new URLSearchParams(queryText);
	if (![...query.keys()].some((key) => SEARCH_KEYS.test(key))) return undefined;
	const category = query.get('category');
	if (category) return (node) => node.type === 'file' && (CATEGORIES[category] ?? []).includes(extensionOf(node.name));
	const fold = query.has('case_folding');
	const anyName = query.has('name_op_or') || query.has('use_or');
	const patterns = query.getAll('name').map((value) => {
		let text = value;
		let glob = false;
		if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
		else glob = text.includes('*');
		if (fold) text = text.toLowerCase();
		if (!glob) return (name: string) => name.includes(text);
		// A value with "*" becomes a LIKE pattern over the whole name.
		const regex = new RegExp(`^${text.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
		return (name: string) => regex.test(name);
	});
	const type = query.get('type');
	const hasSize = query.has('size_gte') || query.has('size_lte');
	// Quirk: one size bound alone makes the other 0 (SizeGTE AND SizeLTE, wave2 §7.1, derived).
	const sizeGte = Number(query.get('size_gte') ?? 0);
	const sizeLte = Number(query.get('size_lte') ?? 0);
	const seconds = (iso: string) => Date.parse(iso) / 1000;
	const bound = (key: string, value: number, lower: boolean) => {
		const limit = query.get(key);
		return limit === null || (lower ? value >= Number(limit) : value <= Number(limit));
	};
	const meta = [...query.entries()].filter(([key]) => key.startsWith('meta_')).map(([key, value]) => [key.slice(5), value]);
	return (node) => {
		const name = fold ? node.name.toLowerCase() : node.name;
		if (patterns.length > 0 && !(anyName ? patterns.some((p) => p(name)) : patterns.every((p) => p(name)))) return false;
		if (type === 'file' && node.type !== 'file') return false;
		if (type === 'folder' && node.type !== 'folder') return false;
		if (hasSize && !(sizeOf(node) >= sizeGte && sizeOf(node) <= sizeLte)) return false;
		const created = seconds(node.createdAt);
		const updated = seconds(node.updatedAt ?? node.createdAt);
		if (!bound('created_gte', created, true) || !bound('created_lte', created, false)) return false;
		if (!bound('updated_gte', updated, true) || !bound('updated_lte', updated, false)) return false;
		const metadata: Record<string, string> = node.uploadSessionId ? { 'sys:upload_session_id': node.uploadSessionId } : {};
		return meta.every(([key, value]) => metadata[key] === value);
	};
}

function compare(orderBy: string): (a: Node, b: Node) => number {
	switch (orderBy) {
		case 'size':
			return (a, b) => sizeOf(a) - sizeOf(b) || a.name.localeCompare(b.name);
		case 'updated_at':
			return (a, b) => (a.updatedAt ?? a.createdAt).localeCompare(b.updatedAt ?? b.createdAt) || a.name.localeCompare(b.name);
		case 'created_at':
			return (a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name);
		default:
			return (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
	}
}

/**
 * GET /file?uri=… (wave2 §1.2): folders first, then files; cursor pagination with next_token;
 * page_size clamped to max_page_size and, as in the 4.0 betas' binding, refused below 10. A URI with
 * search parameters searches recursively below its folder (§7.1).
 */
function list({ server, email, query }: Context): Reply {
	const target = resolveUri(server, query.get('uri'));
	if (isReply(target)) return target;
	const rawSize = query.get('page_size');
	let pageSize = 100;
	if (rawSize !== null && rawSize !== '') {
		pageSize = Number(rawSize);
		if (!Number.isInteger(pageSize) || pageSize < 10) return server.fail(40001, 'Parameter error');
	}
	pageSize = Math.min(pageSize, server.options.maxPageSize);
	const orderBy = query.get('order_by') || 'name';
	const direction = query.get('order_direction') || 'asc';
	if (!ORDER_BY.includes(orderBy) || !['asc', 'desc'].includes(direction)) return server.fail(40001, 'Parameter error');
	const tree = server.tree(email);
	const node = tree.get(target.path);
	if (!node) return pathNotExist(server);
	const filter = searchFilter(target.query);
	let parentPath = target.path;
	let entries: Array<[string, Node]>;
	let singleFile = false;
	if (filter) {
		if (node.type !== 'folder') return pathNotExist(server);
		entries = descendantsOf(tree, target.path).filter(([, child]) => filter(child));
	} else if (node.type === 'file') {
		singleFile = true;
		parentPath = parentOf(target.path);
		entries = [[target.path, node]];
	} else {
		entries = childrenOf(tree, target.path);
	}
	const order = compare(orderBy);
	const sign = direction === 'desc' ? -1 : 1;
	entries.sort(([, a], [, b]) => (a.type === b.type ? sign * order(a, b) : a.type === 'folder' ? -1 : 1));
	let offset = 0;
	const token = query.get('next_page_token');
	if (token) {
		const decoded = decodeToken(token);
		if (decoded === undefined) return server.fail(40001, 'Invalid next page token');
		offset = decoded;
	}
	const page = entries.slice(offset, offset + pageSize);
	const more = offset + pageSize < entries.length;
	return server.ok({
		files: page.map(([path, child]) => fileResponse(server, namesOf(path), child)),
		parent: fileResponse(server, namesOf(parentPath), tree.get(parentPath)!),
		pagination: { page: 0, page_size: pageSize, ...(more ? { next_token: encodeToken(offset + pageSize) } : {}), is_cursor: true },
		props: {
			capability: CAPABILITY,
			max_page_size: server.options.maxPageSize,
			order_by_options: ORDER_BY,
			order_direction_options: ['asc', 'desc'],
		},
		context_hint: randomUUID(),
		mixed_type: false,
		...(singleFile ? { single_file_view: true } : {}),
		storage_policy: storagePolicyV4(server),
	});
}

function encodeToken(offset: number): string {
	return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeToken(token: string): number | undefined {
	try {
		const offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown }).offset;
		return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
	} catch {
		return undefined;
	}
}

/** GET /file/info?uri= | ?id= (wave2 §1.2), with optional folder_summary and extended. */
function info({ server, email, query }: Context): Reply {
	const tree = server.tree(email);
	let found: [string, Node] | undefined;
	const id = query.get('id');
	if (id) {
		found = findById(tree, id);
	} else {
		const target = resolveUri(server, query.get('uri'));
		if (isReply(target)) return target;
		const node = tree.get(target.path);
		found = node && [target.path, node];
	}
	if (!found) return pathNotExist(server);
	const [path, node] = found;
	const json = fileResponse(server, namesOf(path), node);
	if (query.get('folder_summary') === 'true' && node.type === 'folder') {
		const below = descendantsOf(tree, path);
		json.folder_summary = {
			size: below.reduce((sum, [, child]) => sum + sizeOf(child), 0),
			files: below.filter(([, child]) => child.type === 'file').length,
			folders: below.filter(([, child]) => child.type === 'folder').length,
			completed: true,
			calculated_at: new Date().toISOString(),
		};
	}
	if (query.get('extended') === 'true') {
		json.extended_info = {
			storage_policy: storagePolicyV4(server),
			storage_used: sizeOf(node),
			shares: [],
			entities:
				node.type === 'file' && node.entityId && !node.uploadSessionId
					? [{ id: node.entityId, type: 0, size: sizeOf(node), created_at: node.updatedAt ?? node.createdAt, storage_policy: storagePolicyV4(server) }]
					: [],
		};
	}
	return server.ok(json);
}

/** POST /file/create (base doc §4.2): multi-level; an existing one of the same type is returned unless err_on_conflict. */
function create({ server, email, body }: Context): Reply {
	if (body.type !== 'folder' && body.type !== 'file') return server.fail(40001, 'Parameter error');
	const target = resolveUri(server, body.uri);
	if (isReply(target)) return target;
	const tree = server.tree(email);
	const existing = tree.get(target.path);
	if (existing) {
		if (existing.type !== body.type || body.err_on_conflict === true) return server.fail(40004, 'Object existed');
		return server.ok(fileResponse(server, target.names, existing));
	}
	if (ensureFoldersV4(server, email, target.names, body.type === 'folder') === 'fileAncestor') return notSupported(server);
	if (body.type === 'file') {
		const now = new Date().toISOString();
		tree.set(target.path, { type: 'file', id: server.newId(), name: target.names[target.names.length - 1], createdAt: now, chunks: [], entityId: server.newId() });
	}
	return server.ok(fileResponse(server, target.names, tree.get(target.path)!));
}

// ---------------------------------------------------------------- downloads and direct links

/** The signed entity URL (wave2 §3.2): absolute, no token needed; `expires` 0 = never (direct links, §5.3). */
function entityUrl(server: FakeCloudreve, email: string, node: Node, expires: number, download: boolean): string {
	const type = server.options.storagePolicy;
	if (type !== 'local') {
		// Other policies hand out the provider's presigned URL.
		const ticket = randomUUID().replace(/-/g, '');
		server.downloadTickets.set(ticket, { email, nodeId: node.id, expires, attachment: download });
		const path = `/fake-${type}/dl/${ticket}/${node.name}`;
		return `${server.url}/fake-${type}/dl/${ticket}/${encodeURIComponent(node.name)}?sign=${server.signer.sign(path, expires)}`;
	}
	const path = `/api/v4/file/content/${node.entityId}/0/${node.name}`;
	const sign = server.signer.sign(path, expires);
	return `${server.url}/api/v4/file/content/${node.entityId}/0/${encodeURIComponent(node.name)}?${download ? 'download=true&' : ''}sign=${sign}`;
}

function uriList(server: FakeCloudreve, value: unknown): string[] | Reply {
	if (!Array.isArray(value) || value.length === 0) return server.fail(40001, 'Parameter error');
	if (value.length > 3000) return server.fail(40074, 'Too many uris');
	return value.map(String);
}

/** POST /file/url {uris, download} → {urls:[{url}], expires}; per-URI failures → 40081 without data unless skip_error (wave2 §3.2). */
function downloadUrls({ server, email, body }: Context): Reply {
	const uris = uriList(server, body.uris);
	if (isReply(uris)) return uris;
	const expires = Math.floor(Date.now() / 1000) + 3600;
	const urls: Array<{ url: string }> = [];
	const failures = new Map<string, { code: number; msg: string }>();
	for (const uri of uris) {
		const target = resolveUri(server, uri);
		if (isReply(target)) {
			failures.set(uri, { code: 40001, msg: 'unknown uri' });
			continue;
		}
		const node = server.tree(email).get(target.path);
		if (!node) failures.set(uri, { code: 40016, msg: 'Path not exist' });
		else if (node.type === 'folder' || node.uploadSessionId) failures.set(uri, { code: 40077, msg: 'Entity not exist' });
		else urls.push({ url: entityUrl(server, email, node, expires, body.download === true) });
	}
	const data = { urls, expires: new Date(expires * 1000).toISOString() };
	if (failures.size > 0) return aggregate(server, failures, body.skip_error === true ? data : undefined);
	if (body.redirect === true && urls.length === 1) return { status: 302, contentType: 'text/html', body: '', headers: { location: urls[0].url } };
	return server.ok(data);
}

/** GET|HEAD /file/content/:entity/:speed/:name?sign=… — signature only, Range supported (wave2 §3.2). */
function serveEntity({ server, headers, query }: Context, [entity, speed, name]: string[]): Reply {
	const check = server.signer.check(`/api/v4/file/content/${entity}/${speed}/${name}`, query.get('sign'));
	if (check !== 'ok') return signFailure(server, check);
	const found = server.locate(entity);
	if (!found || found.node.entityId !== entity || found.node.uploadSessionId) return server.fail(40077, 'Entity not exist');
	const escaped = goPathEscape(found.node.name);
	const disposition = query.get('download') === 'true' ? `attachment; filename="${escaped}"; filename*=UTF-8''${escaped}` : undefined;
	const reply = serveContent(found.node, headers, disposition);
	reply.headers['access-control-allow-origin'] = '*';
	return reply;
}

/** PUT /file/source {uris} → [{link, file_url}]; group without permission 40007; partial failure 40081 keeps data (wave2 §5.3). */
function directLinks({ server, email, body }: Context): Reply {
	if (!server.options.directLinks) return server.fail(40007, 'Group permission denied');
	const uris = uriList(server, body.uris);
	if (isReply(uris)) return uris;
	const links: Array<{ link: string; file_url: string }> = [];
	const failures = new Map<string, { code: number; msg: string }>();
	for (const uri of uris) {
		const target = resolveUri(server, uri);
		if (isReply(target)) {
			failures.set(uri, { code: 40001, msg: 'unknown uri' });
			continue;
		}
		const node = server.tree(email).get(target.path);
		if (!node) failures.set(uri, { code: 40016, msg: 'Path not exist' });
		else if (node.type === 'folder' || node.uploadSessionId) failures.set(uri, { code: 40077, msg: 'Entity not exist' });
		else links.push({ link: entityUrl(server, email, node, 0, false), file_url: uriOf(target.path) });
	}
	return failures.size > 0 ? aggregate(server, failures, links) : server.ok(links);
}

// ---------------------------------------------------------------- delete, move, copy, rename

/** DELETE /file {uris, skip_soft_delete}: into the trash by default, permanent with skip_soft_delete (wave2 §4.2). */
function remove({ server, email, body }: Context): Reply {
	const uris = uriList(server, body.uris);
	if (isReply(uris)) return uris;
	const tree = server.tree(email);
	const failures = new Map<string, { code: number; msg: string }>();
	for (const uri of uris) {
		const target = resolveUri(server, uri);
		if (isReply(target)) failures.set(uri, { code: 40001, msg: 'unknown uri' });
		else if (target.path === '/') failures.set(uri, { code: 403, msg: 'Not supported action' });
		else if (!tree.has(target.path)) failures.set(uri, { code: 40016, msg: 'Path not exist' });
		else {
			const removed = detach(tree, server.uploadSessions, target.path);
			if (body.skip_soft_delete !== true) {
				server.trashBin(email).push({
					originalPath: target.path,
					deletedAt: new Date().toISOString(),
					nodes: removed.filter(([, node]) => !node.uploadSessionId).map(([path, node]) => [path.slice(target.path.length), node]),
				});
			}
		}
	}
	return failures.size > 0 ? aggregate(server, failures) : server.ok();
}

/**
 * POST /file/move {uris, dst, copy} (wave2 §4.2): dst must be a folder (missing 40016, a file 403);
 * a name clash fails the whole batch (40004); into itself or the root is a per-URI 403; copy checks
 * the quota (40051).
 */
function move({ server, email, body }: Context): Reply {
	const uris = uriList(server, body.uris);
	if (isReply(uris)) return uris;
	const dst = resolveUri(server, body.dst);
	if (isReply(dst)) return dst;
	const tree = server.tree(email);
	const folder = tree.get(dst.path);
	if (!folder) return pathNotExist(server);
	if (folder.type !== 'folder') return notSupported(server);
	const sources: Array<{ uri: string; path: string; node: Node }> = [];
	for (const uri of uris) {
		const target = resolveUri(server, uri);
		if (isReply(target)) return target;
		const node = tree.get(target.path);
		if (!node) return pathNotExist(server);
		sources.push({ uri, path: target.path, node });
	}
	const isCopy = body.copy === true;
	const failures = new Map<string, { code: number; msg: string }>();
	const names = new Set<string>();
	const work: typeof sources = [];
	for (const source of sources) {
		if (source.path === '/' || dst.path === source.path || dst.path.startsWith(`${source.path}/`)) {
			failures.set(source.uri, { code: 403, msg: 'Not supported action' });
			continue;
		}
		if (!isCopy && parentOf(source.path) === dst.path) continue;
		if (tree.has(joinPath(dst.path, source.node.name)) || names.has(source.node.name)) return server.fail(40004, 'Object existed');
		names.add(source.node.name);
		work.push(source);
	}
	if (isCopy) {
		const adding = work.reduce((sum, { path }) => sum + subtreeOf(tree, path).reduce((size, [, node]) => size + sizeOf(node), 0), 0);
		if (server.usedBytes(email) + adding > server.options.quotaBytes) return server.fail(40051, 'Insufficient capacity');
	}
	for (const { path, node } of work) {
		if (isCopy) copySubtree(tree, () => server.newId(), path, joinPath(dst.path, node.name));
		else relocate(tree, server.uploadSessions, email, path, joinPath(dst.path, node.name));
	}
	return failures.size > 0 ? aggregate(server, failures) : server.ok();
}

/** POST /file/rename {uri, new_name} → the renamed FileResponse (wave2 §4.2). */
function rename({ server, email, body }: Context): Reply {
	const target = resolveUri(server, body.uri);
	if (isReply(target)) return target;
	if (!validName(body.new_name)) return server.fail(40052, 'Invalid object name');
	const tree = server.tree(email);
	const node = tree.get(target.path);
	if (!node) return pathNotExist(server);
	if (target.path === '/') return notSupported(server);
	const renamed = joinPath(parentOf(target.path), body.new_name);
	if (renamed !== target.path) {
		if (tree.has(renamed)) return server.fail(40004, 'Object existed');
		relocate(tree, server.uploadSessions, email, target.path, renamed);
	}
	return server.ok(fileResponse(server, namesOf(renamed), node));
}

/** GET /user/capacity → {total, used} (wave2 §7.2). */
function capacity({ server, email }: Context): Reply {
	return server.ok({ total: server.options.quotaBytes, used: server.usedBytes(email) });
}

const ROUTES: Routes = [
	{ method: 'GET', path: /^\/file$/, handler: list },
	{ method: 'GET', path: /^\/file\/info$/, handler: info },
	{ method: 'POST', path: /^\/file\/create$/, handler: create },
	{ method: 'POST', path: /^\/file\/url$/, handler: downloadUrls },
	{ method: ['GET', 'HEAD'], path: /^\/file\/content\/([^/]+)\/(\d+)\/([^/]+)$/, anonymous: true, handler: serveEntity },
	{ method: 'PUT', path: /^\/file\/source$/, handler: directLinks },
	{ method: 'DELETE', path: /^\/file$/, handler: remove },
	{ method: 'POST', path: /^\/file\/move$/, handler: move },
	{ method: 'POST', path: /^\/file\/rename$/, handler: rename },
	{ method: 'GET', path: /^\/user\/capacity$/, handler: capacity },
];

export function filesV4Routes(context: RouteContext): Reply | Promise<Reply> | undefined {
	if (context.server.generation !== 'v4') return undefined;
	return dispatch(ROUTES, context, () => context.server.loginRequiredV4());
}
