/**
 * The 3.x files domain of the fake server (cloudreve-api-wave2.md §1.1, §3.1, §4.1, §5.3, §7.1;
 * cloudreve-api.md §4.1, §6.1): listing, mkdir, properties, download sessions, direct links,
 * delete/move/copy/rename by hashid + parent path, search and storage. Uploads are in uploads.ts.
 */
import { randomBytes } from 'crypto';

import type { Routes } from './routes';
import { dispatch } from './routes';
import type { FakeCloudreve, Node, Reply, RouteContext } from './server';
import {
	childrenOf,
	copySubtree,
	decodableId,
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
	idOrder,
} from './storage';
import { versionAtLeast } from './util';

type Context = RouteContext & { email: string };

/** Go's path walker does not clean: "/a/", "//a" and relative paths are simply not found (base doc §7). */
export function folderV3(server: FakeCloudreve, email: string, path: unknown): Node | undefined {
	if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
	if (path !== '/' && (path.endsWith('/') || path.includes('//'))) return undefined;
	const node = server.tree(email).get(path);
	return node?.type === 'folder' ? node : undefined;
}

/** A listing object: 3.0–3.4 `{pic, date = created}`, from 3.5 `{thumb, date = updated, create_date, source_enabled}` (wave2 §1.1). */
export function objectV3(server: FakeCloudreve, parent: string, node: Node) {
	const type = node.type === 'folder' ? 'dir' : 'file';
	const size = sizeOf(node);
	if (!versionAtLeast(server.version, '3.5.0')) return { id: node.id, name: node.name, path: parent, pic: '', size, type, date: node.createdAt };
	return {
		id: node.id,
		name: node.name,
		path: parent,
		thumb: false,
		size,
		type,
		date: node.updatedAt ?? node.createdAt,
		create_date: node.createdAt,
		source_enabled: server.options.directLinks,
	};
}

export function policyV3(server: FakeCloudreve) {
	const type = server.options.storagePolicy;
	return { id: policyId(type), name: policyName(type, !server.atLeast36), type, max_size: server.options.maxFileSize, file_type: server.options.allowedExtensions };
}

function objectNotExist(server: FakeCloudreve): Reply {
	return server.notFoundV3('对象不存在', 'Object not exist');
}

function badObjectId(server: FakeCloudreve): Reply {
	return server.fail(40001, server.atLeast36 ? 'Failed to parse object ID' : '无法解析对象ID');
}

function list({ server, email }: Context, [path]: string[]): Reply {
	const folder = folderV3(server, email, path || '/');
	if (!folder) return server.notFoundV3('路径不存在');
	const parent = path || '/';
	// Files still being uploaded (placeholders) are hidden (wave2 §1.1).
	const objects = childrenOf(server.tree(email), parent)
		.filter(([, node]) => !node.uploadSessionId)
		.map(([, node]) => objectV3(server, parent, node));
	if (!versionAtLeast(server.version, '3.5.0')) return server.ok({ parent: folder.id, objects });
	return server.ok({ parent: folder.id, objects, policy: policyV3(server) });
}

/** Multi-level mkdir; idempotent from 3.5.0, 40004 for an existing folder before (base doc §4.1). */
function mkdir({ server, email, body }: Context): Reply {
	const path = body.path;
	if (typeof path !== 'string' || path === '') return server.fail(40001, server.atLeast36 ? 'Path cannot be empty' : '路径不能为空');
	const rootProtected = () => (server.atLeast36 ? server.fail(40053, 'Root protected') : server.fail(40003, '无法对根目录进行操作'));
	if (!path.startsWith('/')) return rootProtected();
	const names = server.clean(path);
	if (names.length === 0) return versionAtLeast(server.version, '3.5.0') ? server.ok() : rootProtected();
	names[names.length - 1] = names[names.length - 1].replace(/ +$/, '');
	if (names.some((name) => server.nameError(name))) return server.atLeast36 ? server.fail(40052, 'Invalid object name') : server.fail(40003, '目标名称非法');
	const result = mkdirs(server, email, names);
	if (result === 'file') return server.fail(40004, server.atLeast36 ? 'Object existed' : '同名文件或目录已存在');
	if (result === 'exists' && !versionAtLeast(server.version, '3.5.0')) return server.fail(40004, '同名目录已存在');
	return server.ok();
}

/** Creates the missing folders of `names`: 'file' when one of them is a file, 'exists' when the last already was a folder. */
export function mkdirs(server: FakeCloudreve, email: string, names: string[]): 'created' | 'exists' | 'file' {
	const tree = server.tree(email);
	for (let i = 1; i <= names.length; i++) {
		const node = tree.get(`/${names.slice(0, i).join('/')}`);
		if (node?.type === 'file') return 'file';
	}
	let result: 'created' | 'exists' = 'exists';
	for (let i = 1; i <= names.length; i++) {
		const current = `/${names.slice(0, i).join('/')}`;
		if (!tree.has(current)) {
			tree.set(current, { type: 'folder', id: server.newId(), name: names[i - 1], createdAt: new Date().toISOString() });
			result = 'created';
		}
	}
	return result;
}

/**
 * GET /object/property/:id (≥3.3.0, wave2 §1.1): folders count recursively; trace_root gives the
 * parent path. An unknown id indexes an empty slice in the real server: HTTP 500 (derived).
 */
function property({ server, email, query }: Context, [id]: string[]): Reply {
	if (!decodableId(id)) return badObjectId(server);
	const isFolder = query.get('is_folder') === 'true';
	const found = findById(server.tree(email), id, isFolder ? 'folder' : 'file');
	if (!found || found[1].uploadSessionId) return { status: 500, contentType: 'text/plain', body: '' };
	const [path, node] = found;
	const below = isFolder ? descendantsOf(server.tree(email), path).filter(([, child]) => !child.uploadSessionId) : [];
	return server.ok({
		created_at: node.createdAt,
		updated_at: node.updatedAt ?? node.createdAt,
		policy: isFolder ? '' : policyName(server.options.storagePolicy, !server.atLeast36),
		size: isFolder ? below.reduce((sum, [, child]) => sum + sizeOf(child), 0) : sizeOf(node),
		child_folder_num: below.filter(([, child]) => child.type === 'folder').length,
		child_file_num: below.filter(([, child]) => child.type === 'file').length,
		path: query.get('trace_root') === 'true' ? parentOf(path) : '',
		query_date: new Date().toISOString(),
	});
}

/**
 * A signed link to a file: local policy → relative /api/v3/... URL (the client must prefix the
 * server URL, wave2 §3.1); other policies → an absolute "provider" URL served by providers.ts.
 */
function signedLink(server: FakeCloudreve, email: string, node: Node, ttlSeconds: number, attachment: boolean): string {
	const expires = ttlSeconds === 0 ? 0 : Math.floor(Date.now() / 1000) + ttlSeconds;
	const ticket = randomBytes(8).toString('hex');
	server.downloadTickets.set(ticket, { email, nodeId: node.id, expires, attachment });
	const type = server.options.storagePolicy;
	if (type === 'local') {
		const path = `/api/v3/file/download/${ticket}`;
		return `${path}?sign=${server.signer.sign(path, expires)}`;
	}
	const path = `/fake-${type}/dl/${ticket}/${node.name}`;
	return `${server.url}/fake-${type}/dl/${ticket}/${encodeURIComponent(node.name)}?sign=${server.signer.sign(path, expires)}`;
}

function liveFile(server: FakeCloudreve, email: string, id: string): [string, Node] | undefined {
	const found = findById(server.tree(email), id, 'file');
	return found && !found[1].uploadSessionId ? found : undefined;
}

/** PUT /file/download/:id → a download URL valid for download_timeout (600 s) (wave2 §3.1). */
function createDownload({ server, email }: Context, [id]: string[]): Reply {
	if (!decodableId(id)) return badObjectId(server);
	const found = liveFile(server, email, id);
	if (!found) return objectNotExist(server);
	return server.ok(signedLink(server, email, found[1], 600, true));
}

/** GET /file/download/:session?sign=… : no cookie, Range supported, Content-Disposition attachment (wave2 §3.1). */
function serveDownload({ server, headers, query }: Context, [ticketId]: string[]): Reply {
	const check = server.signer.check(`/api/v3/file/download/${ticketId}`, query.get('sign'));
	if (check !== 'ok') return signFailure(server, check);
	const ticket = server.downloadTickets.get(ticketId);
	const found = ticket && liveFile(server, ticket.email, ticket.nodeId);
	if (!found) return server.fail(404, server.atLeast36 ? 'Download session not exist' : '下载会话不存在');
	return serveContent(found[1], headers, `attachment; filename="${goPathEscape(found[1].name)}"`);
}

function sourceUrl(server: FakeCloudreve, email: string, node: Node): string {
	if (server.options.storagePolicy !== 'local') return signedLink(server, email, node, 0, false);
	const path = `/api/v3/file/get/${node.id}/${node.name}`;
	// Non-expiring ("…:0") and relative, like the local policy's source link (wave2 §5.3).
	return `/api/v3/file/get/${node.id}/${encodeURIComponent(node.name)}?sign=${server.signer.sign(path, 0)}`;
}

function originLinksOff(server: FakeCloudreve): string {
	return server.atLeast36 ? 'This policy is not enabled for getting source link' : '当前存储策略无法获得外链';
}

/** ≥3.5.3 POST /file/source {items}: per-file errors inside an outer code 0 (wave2 §5.3, §10). */
function sources({ server, email, body }: Context): Reply {
	if (!Array.isArray(body.items)) return server.fail(40001, 'JSON marshall error');
	const tree = server.tree(email);
	const files = body.items.map((id) => liveFile(server, email, String(id))).filter((found): found is [string, Node] => found !== undefined);
	if (files.length === 0) return server.fail(40044, server.atLeast36 ? 'File not exist' : '文件不存在');
	return server.ok(
		files.map(([path, node]) => {
			const parent = tree.get(parentOf(path))!;
			const item = { url: '', name: node.name, parent: idOrder(parent.id) };
			if (!server.options.directLinks) return { ...item, error: originLinksOff(server) };
			return { ...item, url: sourceUrl(server, email, node) };
		}),
	);
}

/** 3.0–3.5.2 GET /file/source/:id → {url} (wave2 §5.3). */
function sourceOne({ server, email }: Context, [id]: string[]): Reply {
	if (!decodableId(id)) return badObjectId(server);
	const found = liveFile(server, email, id);
	if (!found) return objectNotExist(server);
	if (!server.options.directLinks) return server.fail(40006, originLinksOff(server));
	return server.ok({ url: sourceUrl(server, email, found[1]) });
}

/** GET /file/get/:id/:name?sign=…:0 — the anonymous direct link itself. */
function serveSource({ server, headers, query }: Context, [id, name]: string[]): Reply {
	const check = server.signer.check(`/api/v3/file/get/${id}/${name}`, query.get('sign'));
	if (check !== 'ok') return signFailure(server, check);
	const found = server.locate(id);
	if (!found || found.node.type !== 'file' || found.node.uploadSessionId) return objectNotExist(server);
	return serveContent(found.node, headers);
}

function idList(value: unknown): string[] | undefined {
	if (value === undefined || value === null) return [];
	return Array.isArray(value) ? value.map(String) : undefined;
}

/** The `src` of move/copy/rename: {items: file ids, dirs: folder ids}. */
function sources3(body: Record<string, unknown>, key = 'src'): { items: string[]; dirs: string[] } | undefined {
	const src = body[key];
	if (typeof src !== 'object' || src === null) return { items: [], dirs: [] };
	const items = idList((src as Record<string, unknown>).items);
	const dirs = idList((src as Record<string, unknown>).dirs);
	return items && dirs ? { items, dirs } : undefined;
}

/** DELETE /object: permanent, recursive; unknown or foreign ids are silently ignored (wave2 §4.1). */
function remove({ server, email, body }: Context): Reply {
	const items = idList(body.items);
	const dirs = idList(body.dirs);
	if (!items || !dirs) return server.fail(40001, 'JSON marshall error');
	const tree = server.tree(email);
	for (const id of items) {
		const found = findById(tree, id, 'file');
		if (found) detach(tree, server.uploadSessions, found[0]);
	}
	for (const id of dirs) {
		const found = findById(tree, id, 'folder');
		if (found && found[0] !== '/') detach(tree, server.uploadSessions, found[0]);
	}
	return server.ok();
}

/** The objects of `src` that sit directly in `srcDir`; the others are silently left out (SQL `folder_id = srcFolder`). */
function inFolder(server: FakeCloudreve, email: string, srcDir: string, src: { items: string[]; dirs: string[] }): Array<[string, Node]> {
	return childrenOf(server.tree(email), srcDir).filter(
		([, node]) => (node.type === 'file' && src.items.includes(node.id)) || (node.type === 'folder' && src.dirs.includes(node.id)),
	);
}

function moveOrCopyInput(server: FakeCloudreve, email: string, body: Record<string, unknown>): Reply | { srcDir: string; dst: string; src: { items: string[]; dirs: string[] } } {
	const src = sources3(body);
	if (!src) return server.fail(40001, 'JSON marshall error');
	if (typeof body.src_dir !== 'string' || body.src_dir === '' || typeof body.dst !== 'string' || body.dst === '') {
		return server.fail(40001, server.atLeast36 ? 'Parameter error' : '参数错误');
	}
	if (!folderV3(server, email, body.src_dir) || !folderV3(server, email, body.dst)) return server.notFoundV3('路径不存在');
	return { srcDir: body.src_dir, dst: body.dst, src };
}

function objectExisted(server: FakeCloudreve): Reply {
	return server.fail(40004, server.atLeast36 ? 'Object existed' : '同名文件或目录已存在');
}

/** PATCH /object {src_dir, src, dst} (wave2 §4.1). Checked first, then moved: all or nothing (simplified). */
function move({ server, email, body }: Context): Reply {
	const input = moveOrCopyInput(server, email, body);
	if ('body' in input) return input;
	const { srcDir, dst, src } = input;
	if (srcDir === dst) return server.ok();
	const tree = server.tree(email);
	const moving = inFolder(server, email, srcDir, src);
	for (const [path, node] of moving) {
		// A folder into itself or below it: wrapped 40004.
		if (node.type === 'folder' && (dst === path || dst.startsWith(`${path}/`))) return objectExisted(server);
		if (tree.has(joinPath(dst, node.name))) return objectExisted(server);
	}
	for (const [path, node] of moving) relocate(tree, server.uploadSessions, email, path, joinPath(dst, node.name));
	return server.ok();
}

/** POST /object/copy: exactly one object; a name clash surfaces as 40016 "Object not exist"; no quota check (wave2 §4.1). */
function copy({ server, email, body }: Context): Reply {
	const input = moveOrCopyInput(server, email, body);
	if ('body' in input) return input;
	const { srcDir, dst, src } = input;
	if (src.items.length + src.dirs.length !== 1) {
		return server.fail(40001, server.atLeast36 ? 'You can only copy one object at the same time' : '只能复制一个对象');
	}
	const tree = server.tree(email);
	const [found] = inFolder(server, email, srcDir, src);
	if (!found || found[1].uploadSessionId) return server.ok();
	const target = joinPath(dst, found[1].name);
	if (tree.has(target)) return objectNotExist(server);
	copySubtree(tree, () => server.newId(), found[0], target);
	return server.ok();
}

/** POST /object/rename {src, new_name} — POST in every 3.x tag, not PATCH (wave2 §4.1). */
function rename({ server, email, body }: Context): Reply {
	const src = sources3(body);
	const newName = body.new_name;
	if (!src || typeof newName !== 'string' || newName === '' || Buffer.byteLength(newName) > 255) {
		return server.fail(40001, server.atLeast36 ? 'Parameter error' : '参数错误');
	}
	if (src.items.length + src.dirs.length !== 1) return server.fail(40001, server.atLeast36 ? 'Only one object can be renamed' : '只能对一个对象进行重命名');
	const tree = server.tree(email);
	const found = src.items.length === 1 ? findById(tree, src.items[0], 'file') : findById(tree, src.dirs[0], 'folder');
	if (!found || found[0] === '/') return server.notFoundV3('路径不存在');
	const [path, node] = found;
	const allowed = server.options.allowedExtensions;
	const badExtension = node.type === 'file' && allowed.length > 0 && !allowed.map((e) => e.toLowerCase()).includes(extensionOf(newName));
	if (server.nameError(newName) || newName.endsWith(' ') || badExtension) {
		// Before 3.6 the name error was a plain Go error, wrapped with CodeNotSet (-1).
		return server.atLeast36 ? server.fail(40052, 'Invalid object name') : server.fail(-1, '目标名称非法');
	}
	if (newName === node.name) return server.ok();
	const target = joinPath(parentOf(path), newName);
	if (tree.has(target)) return objectExisted(server);
	relocate(tree, server.uploadSessions, email, path, target);
	return server.ok();
}

const SEARCH_TYPES: Record<string, string[] | undefined> = {
	image: ['bmp', 'iff', 'png', 'gif', 'jpg', 'jpeg', 'psd', 'svg', 'webp'],
	video: ['mp4', 'flv', 'avi', 'wmv', 'mkv', 'rm', 'rmvb', 'mov', 'ogv'],
	audio: ['mp3', 'flac', 'ape', 'wav', 'acc', 'ogg', 'midi', 'mid'],
	doc: ['txt', 'md', 'pdf', 'doc', 'docx', 'ppt', 'pptx', 'xls', 'xlsx', 'pub'],
};

/**
 * GET /file/search/:type/:keywords[?path=] (wave2 §7.1): files only, recursive, and every object
 * carries path "/" whatever its real folder (the quirk). `path` scopes the search from 3.5.3.
 */
function search({ server, email, query }: Context, [type, keywords]: string[]): Reply {
	if (!['keywords', 'tag', ...Object.keys(SEARCH_TYPES)].includes(type)) return server.fail(40001, server.atLeast36 ? 'Unknown search type' : '未知搜索类型');
	let scope = '/';
	const scoped = query.get('path');
	if (scoped && versionAtLeast(server.version, '3.5.3')) {
		if (!folderV3(server, email, scoped)) return server.notFoundV3('路径不存在');
		scope = scoped;
	}
	const needle = keywords.toLowerCase();
	const objects = descendantsOf(server.tree(email), scope)
		.filter(([, node]) => node.type === 'file' && !node.uploadSessionId)
		.filter(([, node]) => {
			if (type === 'keywords') return node.name.toLowerCase().includes(needle);
			if (type === 'tag') return false;
			return SEARCH_TYPES[type]!.includes(extensionOf(node.name));
		})
		.map(([, node]) => objectV3(server, '/', node));
	return server.ok({ parent: 0, objects });
}

/** GET /user/storage → {used, free (clamped at 0), total} (wave2 §7.2). */
function storage({ server, email }: Context): Reply {
	const total = server.options.quotaBytes;
	const used = server.usedBytes(email);
	return server.ok({ used, free: Math.max(0, total - used), total });
}

const ROUTES: Routes = [
	{ method: 'GET', path: /^\/directory(.*)$/, handler: list },
	{ method: 'PUT', path: /^\/directory$/, handler: mkdir },
	{ method: 'GET', path: /^\/object\/property\/([^/]+)$/, since: '3.3.0', handler: property },
	{ method: 'PUT', path: /^\/file\/download\/([^/]+)$/, handler: createDownload },
	{ method: 'GET', path: /^\/file\/download\/([^/]+)$/, anonymous: true, handler: serveDownload },
	{ method: 'POST', path: /^\/file\/source$/, since: '3.5.3', handler: sources },
	{ method: 'GET', path: /^\/file\/source\/([^/]+)$/, until: '3.5.3', handler: sourceOne },
	{ method: 'GET', path: /^\/file\/get\/([^/]+)\/([^/]+)$/, anonymous: true, handler: serveSource },
	{ method: 'DELETE', path: /^\/object$/, handler: remove },
	{ method: 'PATCH', path: /^\/object$/, handler: move },
	{ method: 'POST', path: /^\/object\/copy$/, handler: copy },
	{ method: 'POST', path: /^\/object\/rename$/, handler: rename },
	{ method: 'GET', path: /^\/file\/search\/([^/]+)\/(.+)$/, handler: search },
	{ method: 'GET', path: /^\/user\/storage$/, handler: storage },
];

export function filesV3Routes(context: RouteContext): Reply | Promise<Reply> | undefined {
	if (context.server.generation !== 'v3') return undefined;
	return dispatch(ROUTES, context, () => context.server.loginRequiredV3());
}
