/**
 * Share links of the fake server (cloudreve-api-wave2.md §5.1, §5.2, §10), per era:
 * - 3.x `POST /share` → "<site URL>/s/<key>" (no password in it); `expire` counts only when
 *   `downloads` > 0, and `downloads` > 0 with `expire` 0 has expired at once (as the real
 *   service/share/manage.go does); `GET /share?page=&order_by=&order=` 18 a page with `expire` in
 *   seconds left; `DELETE /share/<key>` → ≥3.6 40058, before 404 "分享不存在"; 40007 when the
 *   group may not share.
 * - 4.x `PUT /share` → "<site>/s/<id>" or "<site>/s/<id>/<password>" (private); the password
 *   field exists from 4.0.0 (betas make one up); `GET /share?page_size=10..100` cursor pages;
 *   `DELETE /share/<id>` → 404 "share not found", 40001 for an id that is no share id.
 * - The link itself, `GET /s/<key>` (4.x also `/s/<id>/<password>`): 200 while the share works
 *   (not deleted, not expired, downloads left, source still there), 404 after.
 *
 * Storage use (`/user/storage`, `/user/capacity`) is in files-v3.ts / files-v4.ts, from the files
 * model. Settings live per server here (`shareSettings`), so the core needs one line to install.
 */
import { randomBytes } from 'crypto';

import type { Routes } from './routes';
import { dispatch } from './routes';
import type { FakeCloudreve, Reply, RouteContext } from './server';
import { resolveUri } from './files-v4';
import { findById, sizeOf } from './storage';
import { versionAtLeast } from './util';

type Context = RouteContext & { email: string };

export interface FakeShare {
	/** 3.x key / 4.x id. */
	key: string;
	owner: string;
	/** The shared node's id in the owner's tree. */
	nodeId: string;
	isDir: boolean;
	/** '' = none. */
	password: string;
	createdAt: string;
	views: number;
	downloads: number;
	/** -1 (3.x) or undefined (4.x) = unlimited. */
	remainDownloads?: number;
	/** Epoch ms; undefined = never. */
	expires?: number;
	preview: boolean;
	deleted?: boolean;
}

export interface ShareSettings {
	/** The site URL setting links are built from; default the server's own URL. 3.8.3's real default is http://localhost. */
	siteUrl?: string;
	/** The user group may create share links (40007 otherwise). */
	groupAllowsShare: boolean;
	readonly shares: FakeShare[];
}

const settings = new WeakMap<FakeCloudreve, ShareSettings>();

/** The share settings and links of a server (tests flip `siteUrl` and `groupAllowsShare`). */
export function shareSettings(server: FakeCloudreve): ShareSettings {
	let state = settings.get(server);
	if (!state) {
		state = { groupAllowsShare: true, shares: [] };
		settings.set(server, state);
	}
	return state;
}

/** The live (not deleted) shares of a server, oldest first. */
export function sharesOf(server: FakeCloudreve, email?: string): FakeShare[] {
	return shareSettings(server).shares.filter((share) => !share.deleted && (email === undefined || share.owner === email.toLowerCase()));
}

function siteUrl(server: FakeCloudreve): string {
	return (shareSettings(server).siteUrl ?? server.url).replace(/\/+$/, '');
}

function sourceOf(server: FakeCloudreve, share: FakeShare) {
	return findById(server.tree(share.owner), share.nodeId, share.isDir ? 'folder' : 'file');
}

/** What makes a link stop working (3.x models/share.go IsAvailable, 4.x inventory IsShareExpired). */
function isExpired(share: FakeShare, now = Date.now()): boolean {
	return share.remainDownloads === 0 || (share.expires !== undefined && share.expires <= now);
}

function isAvailable(server: FakeCloudreve, share: FakeShare): boolean {
	return !share.deleted && !isExpired(share) && sourceOf(server, share) !== undefined;
}

/** A visitor downloads through the link: one download fewer left (false when the link does not work). */
export function downloadThroughShare(server: FakeCloudreve, key: string): boolean {
	const share = shareSettings(server).shares.find((candidate) => candidate.key === key);
	if (!share || !isAvailable(server, share)) return false;
	share.downloads++;
	if (share.remainDownloads !== undefined && share.remainDownloads > 0) share.remainDownloads--;
	return true;
}

function newKey(server: FakeCloudreve): string {
	// Hashid-like: letters and digits, distinct from node ids.
	return `S${server.newId().slice(2)}${randomBytes(2).toString('hex')}`;
}

// ---------------------------------------------------------------- 3.x

function createV3({ server, email, body }: Context): Reply {
	const state = shareSettings(server);
	if (!state.groupAllowsShare) return server.fail(40007, server.atLeast36 ? '' : '当前用户组无法进行此操作');
	if (typeof body.id !== 'string' || body.id === '') return server.fail(40001, server.atLeast36 ? 'Parameter error' : '参数错误');
	const password = typeof body.password === 'string' ? body.password : '';
	if (password.length > 255) return server.fail(40001, server.atLeast36 ? 'Parameter error' : '参数错误');
	const isDir = body.is_dir === true;
	const found = findById(server.tree(email), body.id, isDir ? 'folder' : 'file');
	if (!found) return server.fail(404, '');
	const downloads = Number(body.downloads ?? 0);
	const share: FakeShare = {
		key: newKey(server),
		owner: email.toLowerCase(),
		nodeId: found[1].id,
		isDir,
		password,
		createdAt: new Date().toISOString(),
		views: 0,
		downloads: 0,
		remainDownloads: -1,
		preview: body.preview === true,
	};
	// The quirk: expire applies only with a download limit, and then both apply.
	if (downloads > 0) {
		share.remainDownloads = downloads;
		share.expires = Date.now() + Number(body.expire ?? 0) * 1000;
	}
	state.shares.push(share);
	return server.ok(`${siteUrl(server)}/s/${share.key}`);
}

const PER_PAGE_V3 = 18;

function listV3({ server, email, query }: Context): Reply {
	const page = Number(query.get('page'));
	const orderBy = query.get('order_by') ?? '';
	const order = query.get('order') ?? '';
	if (!Number.isInteger(page) || page < 1 || !['created_at', 'downloads', 'views'].includes(orderBy) || !['DESC', 'ASC'].includes(order)) {
		return server.fail(40001, server.atLeast36 ? 'Parameter error' : '参数错误');
	}
	const key = (share: FakeShare) => (orderBy === 'created_at' ? Date.parse(share.createdAt) : orderBy === 'downloads' ? share.downloads : share.views);
	// Ties (same millisecond) keep creation order, so pages never overlap.
	const all = sharesOf(server, email)
		.map((share, index) => ({ share, index }))
		.sort((a, b) => (key(a.share) - key(b.share) || a.index - b.index) * (order === 'DESC' ? -1 : 1))
		.map(({ share }) => share);
	const now = Date.now();
	const items = all.slice((page - 1) * PER_PAGE_V3, page * PER_PAGE_V3).map((share) => {
		const source = sourceOf(server, share)?.[1];
		return {
			key: share.key,
			is_dir: share.isDir,
			password: share.password,
			create_date: share.createdAt,
			downloads: share.downloads,
			remain_downloads: share.remainDownloads ?? -1,
			views: share.views,
			expire: share.expires === undefined ? -1 : Math.floor(share.expires / 1000) - Math.floor(now / 1000),
			preview: share.preview,
			...(source ? { source: { name: source.name, size: sizeOf(source) } } : {}),
		};
	});
	return server.ok({ total: all.length, items });
}

function deleteV3({ server, email }: Context, [key]: string[]): Reply {
	const share = sharesOf(server, email).find((candidate) => candidate.key === key);
	if (!share) return server.atLeast36 ? server.fail(40058, '') : server.fail(404, '分享不存在');
	share.deleted = true;
	return server.ok();
}

// ---------------------------------------------------------------- 4.x

const ALPHANUMERIC = /^[A-Za-z0-9]*$/;

function createV4({ server, email, body }: Context): Reply {
	const state = shareSettings(server);
	if (!state.groupAllowsShare) return server.fail(40007, 'Group permission denied');
	// The password field exists from 4.0.0 (binding omitempty,max=32,alphanum); betas do not know it.
	const hasPasswordField = versionAtLeast(server.version, '4.0.0') && !/-beta/.test(server.version);
	const sent = hasPasswordField && typeof body.password === 'string' ? body.password : '';
	if (sent.length > 32 || !ALPHANUMERIC.test(sent)) return server.fail(40001, 'Parameter error');
	const target = resolveUri(server, body.uri);
	if ('body' in target) return target;
	const found = server.tree(email).get(target.path);
	if (!found || target.names.length === 0) return server.fail(40016, 'src file not found');
	// An empty password (or any from a beta) becomes 8 random lowercase letters.
	const password = body.is_private === true ? (sent.trim() !== '' ? sent : randomLetters(8)) : '';
	const downloads = Number(body.downloads ?? 0);
	const expire = Number(body.expire ?? 0);
	const share: FakeShare = {
		key: newKey(server),
		owner: email.toLowerCase(),
		nodeId: found.id,
		isDir: found.type === 'folder',
		password,
		createdAt: new Date().toISOString(),
		views: 0,
		downloads: 0,
		remainDownloads: downloads > 0 ? downloads : undefined,
		expires: expire > 0 ? Date.now() + expire * 1000 : undefined,
		preview: true,
	};
	state.shares.push(share);
	return server.ok(linkV4(server, share));
}

function randomLetters(count: number): string {
	return [...randomBytes(count)].map((byte) => String.fromCharCode(97 + (byte % 26))).join('');
}

function linkV4(server: FakeCloudreve, share: FakeShare): string {
	return `${siteUrl(server)}/s/${share.key}${share.password ? `/${share.password}` : ''}`;
}

/** service/explorer/response.go `Share`, as the owner sees it (unlocked). */
function shareJsonV4(server: FakeCloudreve, share: FakeShare) {
	const source = sourceOf(server, share)?.[1];
	return {
		id: share.key,
		name: source?.name ?? '',
		visited: share.views,
		...(share.downloads > 0 ? { downloaded: share.downloads } : {}),
		...(share.remainDownloads !== undefined ? { remain_downloads: share.remainDownloads } : {}),
		...(share.expires !== undefined ? { expires: new Date(share.expires).toISOString() } : {}),
		unlocked: true,
		source_type: share.isDir ? 1 : 0,
		owner: { id: 'lpuA', nickname: share.owner.split('@')[0], created_at: share.createdAt },
		created_at: share.createdAt,
		expired: isExpired(share),
		url: linkV4(server, share),
		...(share.password ? { is_private: true, password: share.password } : {}),
	};
}

function listV4({ server, email, query }: Context): Reply {
	const size = Number(query.get('page_size'));
	if (!Number.isInteger(size) || size < 10 || size > 100) return server.fail(40001, 'Parameter error');
	const token = query.get('next_page_token');
	let start = 0;
	if (token) {
		start = Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''));
		if (!Number.isInteger(start) || start < 0) return server.fail(40001, 'Invalid page token');
	}
	const all = sharesOf(server, email);
	const page = all.slice(start, start + size);
	const end = start + page.length;
	const pagination: Record<string, unknown> = { page: 0, page_size: size, is_cursor: true };
	if (end < all.length) pagination.next_token = Buffer.from(`offset:${end}`).toString('base64url');
	return server.ok({ shares: page.map((share) => shareJsonV4(server, share)), pagination });
}

function deleteV4({ server, email }: Context, [id]: string[]): Reply {
	// middleware.HashID: an id that does not decode is a parameter error.
	if (!/^S[0-9a-z]+$/.test(id)) return server.fail(40001, 'Failed to parse object ID');
	const share = sharesOf(server, email).find((candidate) => candidate.key === id);
	if (!share) return server.fail(404, 'share not found');
	share.deleted = true;
	return server.ok();
}

// ---------------------------------------------------------------- routes

const ROUTES_V3: Routes = [
	{ method: 'POST', path: /^\/share$/, handler: createV3 },
	{ method: 'GET', path: /^\/share$/, handler: listV3 },
	{ method: 'DELETE', path: /^\/share\/([^/]+)$/, handler: deleteV3 },
];

const ROUTES_V4: Routes = [
	{ method: 'PUT', path: /^\/share$/, handler: createV4 },
	{ method: 'GET', path: /^\/share$/, handler: listV4 },
	{ method: 'DELETE', path: /^\/share\/([^/]+)$/, handler: deleteV4 },
];

export function shareRoutes(context: RouteContext): Reply | Promise<Reply> | undefined {
	const { server } = context;
	if (server.generation === 'v3') return dispatch(ROUTES_V3, context, () => server.loginRequiredV3());
	return dispatch(ROUTES_V4, context, () => server.loginRequiredV4());
}

const page = (status: number, text: string): Reply => ({
	status,
	contentType: 'text/html; charset=utf-8',
	body: `<!doctype html><html><head><title>Cloudreve</title></head><body><div id="root">${text}</div></body></html>`,
});

/** The link a visitor opens: the web page while the share works, 404 once it is gone. */
export function sharePageRoutes({ server, method, route }: RouteContext): Reply | undefined {
	const match = /^\/s\/([^/]+)(?:\/([^/]+))?\/?$/.exec(route);
	if (!match || (method !== 'GET' && method !== 'HEAD')) return undefined;
	const [, key, password] = match;
	if (password !== undefined && server.generation === 'v3') return undefined;
	const share = shareSettings(server).shares.find((candidate) => candidate.key === key);
	if (!share || !isAvailable(server, share)) return page(404, 'Share link not found or expired');
	if (password !== undefined && password !== share.password) return page(403, 'Wrong password');
	share.views++;
	return page(200, `Share ${share.key}`);
}

/** Installs the share routes on a server: the one line the core needs. */
export function installShares(server: FakeCloudreve): void {
	server.domains.push(shareRoutes);
	server.externalRoutes.push(sharePageRoutes);
}
