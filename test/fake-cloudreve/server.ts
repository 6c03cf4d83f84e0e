/**
 * A fake Cloudreve server for tests and the sandbox: real HTTP on 127.0.0.1, state in memory.
 * It answers like the real servers described in ../shared/docs/cloudreve-api.md, per generation
 * and per 3.x version: HTTP 200 with a `code` for every business error, `url` string vs array at
 * 3.5.3, idempotent mkdir from 3.5.0, the 3.6.0 code table, 4.x URIs and 40081 partial failures.
 *
 * It counts logins and version probes, records every request, and has switches for 2FA, captcha,
 * aria2 failures and transport faults (HTML pages, 5xx, slow replies, dropped connections).
 *
 * This file is the core (users, logins, envelope, faults, routing, sending). The domains live in
 * their own modules: files-v3.ts / files-v4.ts (listing, download, delete/move/copy/rename, direct
 * links, search), uploads.ts (upload sessions and chunks), providers.ts (fake S3, OneDrive, slave),
 * storage.ts (the shared files model), tasks.ts (offline downloads).
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'crypto';
import http from 'http';
import https from 'https';
import type { AddressInfo } from 'net';

import { filesV3Routes } from './files-v3';
import { fileResponse, filesV4Routes } from './files-v4';
import { providerRoutes } from './providers';
import type { DownloadTicket, Node, StoragePolicyType, StreamBody, TrashEntry, UploadSession } from './storage';
import { contentOf, quotaSizeOf, sha256Of, Signer, sizeOf } from './storage';
import { installShares } from './shares';
import { taskRoutes } from './tasks';
import { isRawBodyRoute, uploadRoutes } from './uploads';
import { ILLEGAL_NAME, versionAtLeast } from './util';

export type { Node, StoragePolicyType, StreamBody, UploadSession } from './storage';

export type Generation = 'v3' | 'v4';

export interface FakeUser {
	email: string;
	password: string;
	nickname?: string;
	/** Base32 TOTP secret: login then needs the 2FA step. */
	totpSecret?: string;
}

export interface FakeCloudreveOptions {
	/** What /site/ping answers, e.g. "3.4.3", "3.5.2", "3.8.3", "4.0.0". Decides the generation. */
	version: string;
	/** Sub-path deployment, e.g. "/cloudreve". */
	basePath?: string;
	users?: FakeUser[];
	loginCaptcha?: boolean;
	/** 'noNode': no aria2 node is available (3.x answers 50005). */
	aria2?: 'ok' | 'noNode';
	groupAllowsRemoteDownload?: boolean;
	/** Group limit on URLs per request (40015 above it). */
	aria2BatchSize?: number;
	/** 4.x access-token lifetime. */
	accessTokenTtlMs?: number;
	/** The server closes itself after this long, so a forgotten server never outlives its test run. */
	lifetimeMs?: number;
	/** Serve HTTPS with this key and certificate (e.g. a self-signed one made by the test). */
	tls?: { key: string; cert: string };
	/** The group's storage policy type (wave2 §2.1/§2.2 tables); default 'local'. */
	storagePolicy?: StoragePolicyType;
	/** Policy chunk size in bytes (default 25 MiB); 0 = the whole file in one chunk. */
	chunkSize?: number;
	/** Policy max_size in bytes (40049 above it); 0 = unlimited. */
	maxFileSize?: number;
	/** Every user's quota in bytes (40051 above it); default 1 TiB. */
	quotaBytes?: number;
	/** Policy file_type / allowed_suffix without dots, e.g. ['txt','jpg'] (40050 otherwise); empty = all. */
	allowedExtensions?: string[];
	/** 4.x setting max_page_size: larger page_size values are clamped to it; default 2000. */
	maxPageSize?: number;
	/** 3.x: the policy allows origin (direct) links; 4.x: the group may create them. Default true. */
	directLinks?: boolean;
	/** 4.x setting maxEditSize: the limit of PUT /file/content (40049 above it); default 50 MiB. */
	maxEditSize?: number;
	/** 4.x storage_policy.relay: uploads go through Cloudreve in one chunk whatever the policy type. */
	relay?: boolean;
}

export interface RecordedRequest {
	method: string;
	/** Path below the base path, with the query string, e.g. "/api/v3/directory". */
	path: string;
	headers: http.IncomingHttpHeaders;
	body: unknown;
	/** The body as text; empty for binary bodies (chunk uploads), see bodyLength. */
	rawBody: string;
	bodyLength: number;
}

export type FaultAction =
	| { kind: 'html'; status?: number }
	| { kind: 'status'; status: number; body?: string; contentType?: string }
	| { kind: 'empty' }
	| { kind: 'text'; status?: number; body: string }
	| { kind: 'slow'; delayMs: number }
	| { kind: 'hang' }
	/** Any JSON body with HTTP 200, e.g. {"code":401} for a session the server forgot. */
	| { kind: 'json'; body: object }
	/** Destroys the connection; with `afterHandling`, only after the request took effect. */
	| { kind: 'reset'; afterHandling?: boolean };

export interface Fault {
	method?: string;
	/** Matched against the path below the base path (without query). */
	path?: string | RegExp;
	times?: number;
	/** 0..1: the chance that a matching request gets the fault (uses the server's seeded random). */
	probability?: number;
	action: FaultAction;
}

export interface Task {
	id: string;
	url: string;
	dst: string;
	owner: string;
	createdAt: string;
}

export interface Envelope {
	code: number;
	data?: unknown;
	msg: string;
	aggregated_error?: Record<string, unknown>;
	correlation_id?: string;
}

/** `body` may be a StreamBody: a known length sent part by part (big downloads are never copied into one Buffer). */
export type Reply = { status?: number; body: Envelope | string | Buffer | StreamBody; contentType?: string; headers?: Record<string, string | string[]> };

/** One API request as a domain module sees it (path below /api/vN, the caller's account if logged in). */
export interface RouteContext {
	server: FakeCloudreve;
	method: string;
	/** Below /api/vN, without the query, e.g. "/file/upload/abc/0". */
	route: string;
	query: URLSearchParams;
	/** Parsed JSON body ({} when none). */
	body: Record<string, unknown>;
	/** The raw bytes (chunk uploads), concatenated on first use. */
	bytes: Buffer;
	/** The raw bytes as they arrived, without a copy (big uploads). */
	parts: Buffer[];
	headers: http.IncomingHttpHeaders;
	/** The logged-in account (cookie on 3.x, bearer token on 4.x), if any. */
	email?: string;
}

/**
 * A domain's routes (files, tasks, shares): a reply, or undefined when the route is not its own.
 * External routers (fake S3, OneDrive, slave) get the whole path below the base path as `route`.
 */
export type DomainRouter = (context: RouteContext) => Reply | undefined | Promise<Reply | undefined>;

export const DEMO_USER: FakeUser = { email: 'demo@example.com', password: 'demo-password', nickname: 'demo' };



function base32Decode(text: string): Buffer {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const char of text.replace(/=+$/, '').toUpperCase()) {
		const index = alphabet.indexOf(char);
		if (index < 0) continue;
		bits += index.toString(2).padStart(5, '0');
	}
	const bytes: number[] = [];
	for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
	return Buffer.from(bytes);
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s), the server's own check. */
export function fakeTotp(secret: string, at = Date.now()): string {
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
	const hmac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
	const offset = hmac[hmac.length - 1] & 0xf;
	const code = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
	return code.toString().padStart(6, '0');
}

export class FakeCloudreve {
	readonly generation: Generation;

	readonly version: string;

	readonly basePath: string;

	/** Live switches: tests may flip them between requests. */
	options: Required<Omit<FakeCloudreveOptions, 'basePath' | 'version' | 'users' | 'tls'>>;

	private readonly tls?: { key: string; cert: string };

	readonly stats = { logins: 0, loginAttempts: 0, probes: 0, pings: 0, requests: 0, connections: 0 };

	readonly requests: RecordedRequest[] = [];

	faults: Fault[] = [];

	/** URL → code: the downloader refuses these links (3.x per-URL code, 4.x aggregated error). */
	readonly failingUrls = new Map<string, number>();

	/** Called for every request before it is handled (after it is recorded). */
	onRequest?: (request: RecordedRequest, server: FakeCloudreve) => void;

	readonly tasks: Task[] = [];

	/** Items of the RSS feed served at /feed.xml (for RSS Feed Trigger examples). */
	feedItems: Array<{ title: string; link: string; date: Date }> = [];

	private readonly users = new Map<string, FakeUser>();

	private readonly trees = new Map<string, Map<string, Node>>();

	/** 3.x cookie sessions: cookie value → logged-in email, or a pending 2FA login. */
	private readonly cookieSessions = new Map<string, { email?: string; pending2fa?: string }>();

	/** 4.x access tokens → owner and expiry. */
	private readonly accessTokens = new Map<string, { email: string; expires: number }>();

	private readonly refreshTokens = new Map<string, string>();

	private readonly twoFactorSessions = new Map<string, string>();

	private server?: http.Server;

	private readonly sockets = new Set<import('net').Socket>();

	private lifetimeTimer?: NodeJS.Timeout;

	private randomState = 42;

	private nextId = 1;

	constructor(options: FakeCloudreveOptions) {
		this.version = options.version;
		this.generation = options.version.startsWith('4') ? 'v4' : 'v3';
		this.basePath = (options.basePath ?? '').replace(/\/+$/, '');
		this.tls = options.tls;
		this.options = {
			loginCaptcha: options.loginCaptcha ?? false,
			aria2: options.aria2 ?? 'ok',
			groupAllowsRemoteDownload: options.groupAllowsRemoteDownload ?? true,
			aria2BatchSize: options.aria2BatchSize ?? 100,
			accessTokenTtlMs: options.accessTokenTtlMs ?? 3_600_000,
			lifetimeMs: options.lifetimeMs ?? 10 * 60_000,
			storagePolicy: options.storagePolicy ?? 'local',
			chunkSize: options.chunkSize ?? 25 * 1024 * 1024,
			maxFileSize: options.maxFileSize ?? 0,
			quotaBytes: options.quotaBytes ?? 1024 ** 4,
			allowedExtensions: options.allowedExtensions ?? [],
			maxPageSize: options.maxPageSize ?? 2000,
			directLinks: options.directLinks ?? true,
			maxEditSize: options.maxEditSize ?? 50 * 1024 * 1024,
			relay: options.relay ?? false,
		};
		for (const user of options.users ?? [DEMO_USER]) this.addUser(user);
		this.domains.push(filesV3Routes, filesV4Routes, uploadRoutes, taskRoutes);
		this.externalRoutes.push(providerRoutes);
		installShares(this);
	}

	// ---------------------------------------------------------------- lifecycle

	async start(port = 0): Promise<string> {
		const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
		this.server = this.tls ? https.createServer({ key: this.tls.key, cert: this.tls.cert }, handler) : http.createServer(handler);
		this.server.on('connection', (socket) => {
			this.stats.connections++;
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		this.lifetimeTimer = setTimeout(() => void this.stop(), this.options.lifetimeMs);
		this.lifetimeTimer.unref();
		return this.url;
	}

	get port(): number {
		return (this.server!.address() as AddressInfo).port;
	}

	/** The Server URL a user would enter. */
	get url(): string {
		return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}${this.basePath}`;
	}

	/**
	 * Refuses connections for `ms` (as a restarting server does), then listens on the same port
	 * again. Open connections are closed, so clients must connect anew.
	 */
	async refuseConnectionsFor(ms: number): Promise<void> {
		const server = this.server!;
		const port = this.port;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
		const timer = setTimeout(() => server.listen(port, '127.0.0.1'), ms);
		timer.unref();
	}

	async stop(): Promise<void> {
		if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	// ---------------------------------------------------------------- test controls

	addUser(user: FakeUser): void {
		this.users.set(user.email.toLowerCase(), user);
		this.trees.set(user.email.toLowerCase(), new Map([['/', { type: 'folder', id: this.newId(), name: '', createdAt: new Date().toISOString() }]]));
	}

	/** Every session and token becomes invalid, as after a server restart without Redis. */
	invalidateSessions(): void {
		this.cookieSessions.clear();
		this.accessTokens.clear();
	}

	/** Puts a file at `path` (missing parents are created as folders); replaces what was there. */
	addFile(path: string, content: string | Buffer = '', email = DEMO_USER.email): Node {
		const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
		return this.putNode(path, email, { type: 'file', chunks: bytes.length > 0 ? [bytes] : [] });
	}

	/**
	 * Puts a file of `size` bytes whose content is a deterministic pattern, generated when served:
	 * a 1 GiB file costs no memory. Compare downloads with sha256(path).
	 */
	addPatternFile(path: string, size: number, email = DEMO_USER.email): Node {
		return this.putNode(path, email, { type: 'file', pattern: { size, seed: Math.imul(this.nextId, 2654435761) >>> 0 } });
	}

	/** Creates the folder and its missing parents. */
	addFolder(path: string, email = DEMO_USER.email): Node {
		const existing = this.entry(path, email);
		return existing?.type === 'folder' ? existing : this.putNode(path, email, { type: 'folder' });
	}

	private putNode(path: string, email: string, fields: Partial<Node> & { type: Node['type'] }): Node {
		const names = path.split('/').filter(Boolean);
		const tree = this.tree(email);
		const now = new Date().toISOString();
		for (let i = 1; i < names.length; i++) {
			const folder = `/${names.slice(0, i).join('/')}`;
			if (!tree.has(folder)) tree.set(folder, { type: 'folder', id: this.newId(), name: names[i - 1], createdAt: now });
		}
		const node: Node = { id: this.newId(), name: names[names.length - 1] ?? '', createdAt: now, ...fields };
		if (fields.type === 'file') node.entityId = this.newId();
		tree.set(`/${names.join('/')}`, node);
		return node;
	}

	/** The node at an absolute path ("/a/b.txt"), placeholders of running uploads included. */
	entry(path: string, email = DEMO_USER.email): Node | undefined {
		return this.tree(email).get(path);
	}

	/** A file's bytes (undefined for folders and missing paths). */
	fileContent(path: string, email = DEMO_USER.email): Buffer | undefined {
		const node = this.entry(path, email);
		return node?.type === 'file' ? contentOf(node) : undefined;
	}

	/** The SHA-256 (hex) of a file's bytes, computed part by part (fine for 1 GiB pattern files). */
	sha256(path: string, email = DEMO_USER.email): string | undefined {
		const node = this.entry(path, email);
		return node?.type === 'file' ? sha256Of(node) : undefined;
	}

	/** Every path of the user's drive, sorted (root, folders, files and upload placeholders). */
	listPaths(email = DEMO_USER.email): string[] {
		return [...this.tree(email).keys()].sort();
	}

	/** Finds a node by id or 4.x entity id in any user's drive (anonymous signed links name only that). */
	locate(id: string): { email: string; path: string; node: Node } | undefined {
		for (const [email, tree] of this.trees) {
			for (const [path, node] of tree) if (node.id === id || node.entityId === id) return { email, path, node };
		}
		return undefined;
	}

	/** Absolute paths of the user's folders, root included. */
	folders(email = DEMO_USER.email): string[] {
		return [...this.tree(email).entries()].filter(([, node]) => node.type === 'folder').map(([path]) => path).sort();
	}

	/** 4.x: the original paths of the items in the user's trash (soft-deleted), sorted; not what lies below them. */
	trash(email = DEMO_USER.email): string[] {
		return this.trashBin(email).map((entry) => entry.originalPath).sort();
	}

	trashBin(email: string): TrashEntry[] {
		const key = email.toLowerCase();
		let bin = this.trashBins.get(key);
		if (!bin) {
			bin = [];
			this.trashBins.set(key, bin);
		}
		return bin;
	}

	/** Bytes the user uses: files, placeholders (their announced size) and, on 4.x, the trash. */
	usedBytes(email = DEMO_USER.email): number {
		let used = 0;
		for (const node of this.tree(email).values()) used += quotaSizeOf(node);
		for (const entry of this.trashBin(email)) for (const [, node] of entry.nodes) used += sizeOf(node);
		return used;
	}

	/** Every live upload session has expired: chunks and callbacks answer 40011 (400011 before 3.6). */
	expireUploadSessions(): void {
		for (const session of this.uploadSessions.values()) session.expired = true;
	}

	requestsTo(pathPart: string, method?: string): RecordedRequest[] {
		return this.requests.filter((r) => r.path.split('?')[0].endsWith(pathPart) && (!method || r.method === method));
	}

	/** Every session cookie and token this server ever issued, for the secrets scan. */
	readonly issuedSecrets: string[] = [];

	/** Live upload sessions by id (a finished or cancelled upload removes its own). */
	readonly uploadSessions = new Map<string, UploadSession>();

	/** Signed download sessions (3.x) and fake provider links, by id. */
	readonly downloadTickets = new Map<string, DownloadTicket>();

	/** Signs download, direct-link and provider URLs. */
	readonly signer = new Signer();

	private readonly trashBins = new Map<string, TrashEntry[]>();

	/** Seeds the random source that probabilistic faults use. */
	seed(value: number): void {
		this.randomState = value;
	}

	// ---------------------------------------------------------------- plumbing

	newId(): string {
		return `id${(this.nextId++).toString(36)}`;
	}

	private random(): number {
		// xorshift32: deterministic per seed
		let x = this.randomState;
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		this.randomState = x >>> 0;
		return this.randomState / 0x100000000;
	}

	tree(email: string): Map<string, Node> {
		return this.trees.get(email.toLowerCase())!;
	}

	get atLeast36(): boolean {
		return this.generation === 'v3' && versionAtLeast(this.version, '3.6.0');
	}

	ok(data?: unknown): Reply {
		return { body: data === undefined ? { code: 0, msg: '' } : { code: 0, data, msg: '' } };
	}

	fail(code: number, msg: string, extra: Partial<Envelope> = {}): Reply {
		const body: Envelope = { code, msg, ...extra };
		if (this.generation === 'v4') body.correlation_id = randomUUID();
		return { body };
	}

	private pickFault(method: string, path: string): FaultAction | undefined {
		for (const fault of this.faults) {
			if ((fault.times ?? Infinity) <= 0) continue;
			if (fault.method && fault.method !== method) continue;
			if (typeof fault.path === 'string' && !path.endsWith(fault.path)) continue;
			if (fault.path instanceof RegExp && !fault.path.test(path)) continue;
			if (fault.probability !== undefined && this.random() >= fault.probability) continue;
			if (fault.times !== undefined) fault.times--;
			return fault.action;
		}
		return undefined;
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const parts: Buffer[] = [];
		let length = 0;
		for await (const chunk of req) {
			parts.push(chunk as Buffer);
			length += (chunk as Buffer).length;
		}
		const binary = (req.headers['content-type'] ?? '').includes('octet-stream') || length > 1_000_000;
		const rawBody = binary ? '' : Buffer.concat(parts).toString('utf8');
		let body: unknown;
		let badJson = false;
		if (rawBody !== '') {
			try {
				body = JSON.parse(rawBody);
			} catch {
				badJson = true;
			}
		}
		const fullPath = req.url ?? '/';
		if (this.basePath && !fullPath.startsWith(`${this.basePath}/`)) {
			return this.send(res, { status: 404, body: '404 page not found', contentType: 'text/plain' });
		}
		const path = fullPath.slice(this.basePath.length);
		const record: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, rawBody, bodyLength: length };
		this.requests.push(record);
		this.stats.requests++;
		this.onRequest?.(record, this);

		const routePath = path.split('?')[0];
		const fault = this.pickFault(record.method, routePath);
		if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
		if (fault?.kind === 'hang') return;
		if (fault?.kind === 'reset' && !fault.afterHandling) {
			req.socket.destroy();
			return;
		}
		if (fault && fault.kind !== 'slow' && fault.kind !== 'reset') return this.sendFault(res, fault);

		const reply = await this.route(record.method, path, binary ? undefined : body, badJson && !binary, req.headers, parts);
		if (fault?.kind === 'reset') {
			// The request took effect; the reply is lost on the way.
			res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
			res.write('{"code":0,');
			req.socket.destroy();
			return;
		}
		this.send(res, reply, record.method === 'HEAD');
	}

	private sendFault(res: http.ServerResponse, fault: FaultAction): void {
		switch (fault.kind) {
			case 'html':
				return this.send(res, {
					status: fault.status ?? 200,
					contentType: 'text/html; charset=utf-8',
					body: '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>Portal login</form></body></html>',
				});
			case 'status':
				return this.send(res, {
					status: fault.status,
					contentType: fault.contentType ?? 'text/html',
					body: fault.body ?? `<html><head><title>${fault.status}</title></head><body><center><h1>${fault.status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>`,
				});
			case 'empty':
				return this.send(res, { status: 200, contentType: 'application/json', body: '' });
			case 'text':
				return this.send(res, { status: fault.status ?? 200, contentType: 'text/plain', body: fault.body });
			case 'json':
				return this.send(res, { status: 200, body: JSON.stringify(fault.body) });
			default:
				return undefined;
		}
	}

	private send(res: http.ServerResponse, reply: Reply, head = false): void {
		const stream = reply.body;
		if (typeof stream === 'object' && 'parts' in stream) {
			res.writeHead(reply.status ?? 200, {
				'content-type': reply.contentType ?? 'application/octet-stream',
				'content-length': stream.length.toString(),
				...(reply.headers ?? {}),
			});
			if (head) res.end();
			else void this.pipeParts(res, stream.parts);
			return;
		}
		const text = typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body);
		res.writeHead(reply.status ?? 200, {
			'content-type': reply.contentType ?? 'application/json; charset=utf-8',
			'content-length': Buffer.byteLength(text).toString(),
			...(reply.headers ?? {}),
		});
		res.end(text);
	}

	/** Writes part after part, waiting for the socket to drain: memory stays flat for any size. */
	private async pipeParts(res: http.ServerResponse, parts: Iterable<Buffer>): Promise<void> {
		for (const part of parts) {
			if (res.destroyed) return;
			if (!res.write(part)) {
				await new Promise<void>((resolve) => {
					const done = () => {
						res.off('drain', done);
						res.off('close', done);
						resolve();
					};
					res.on('drain', done);
					res.on('close', done);
				});
			}
		}
		res.end();
	}

	// ---------------------------------------------------------------- routing

	/** Domain modules (files, tasks, shares) asked in turn for routes the core does not answer. */
	readonly domains: DomainRouter[] = [];

	/** Routers for paths outside /api (fake S3, OneDrive, slave), asked before the SPA fallback. */
	readonly externalRoutes: DomainRouter[] = [];

	private async route(method: string, path: string, body: unknown, badJson: boolean, headers: http.IncomingHttpHeaders, parts: Buffer[]): Promise<Reply> {
		const [routePath, query = ''] = path.split('?');
		if (routePath === '/feed.xml') return this.feed();
		let bytes: Buffer | undefined;
		const context = (route: string, email?: string): RouteContext => ({
			server: this,
			method,
			route,
			query: new URLSearchParams(query),
			body: (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>,
			get bytes() {
				bytes ??= parts.length === 1 ? parts[0] : Buffer.concat(parts);
				return bytes;
			},
			parts,
			headers,
			email,
		});
		if (!routePath.startsWith('/api/')) {
			for (const router of this.externalRoutes) {
				const answer = await router(context(routePath));
				if (answer) return answer;
			}
			// The SPA: every non-API path is the web page.
			return { contentType: 'text/html', body: '<!doctype html><html><head><title>Cloudreve</title></head><body><div id="root"></div></body></html>' };
		}
		const prefix = `/api/${this.generation}`;
		if (!routePath.startsWith(`${prefix}/`)) {
			if (routePath.endsWith('/site/ping')) this.stats.pings++;
			return { status: 404, contentType: 'text/plain', body: '404 page not found' };
		}
		const route = routePath.slice(prefix.length);
		// Chunk and content uploads are raw bytes; every other route binds JSON (wave2 §2).
		if (badJson && !isRawBodyRoute(this.generation, method, route)) return this.fail(40001, 'JSON marshall error');
		const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
		const reply = this.generation === 'v3' ? this.routeV3(method, route, input, headers) : this.routeV4(method, route, input, headers);
		if (reply) return reply;
		const domainContext = context(route, this.generation === 'v3' ? this.v3User(headers) : this.v4User(headers));
		for (const domain of this.domains) {
			const answer = await domain(domainContext);
			if (answer) return answer;
		}
		return { status: 404, contentType: 'text/plain', body: '404 page not found' };
	}

	private feed(): Reply {
		const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
		const items = this.feedItems
			.map((item) => `<item><title>${escape(item.title)}</title><link>${escape(item.link)}</link><guid>${escape(item.link)}</guid><pubDate>${item.date.toUTCString()}</pubDate></item>`)
			.join('');
		return {
			contentType: 'application/rss+xml; charset=utf-8',
			body: `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Demo feed</title><link>http://127.0.0.1/</link><description>Demo</description>${items}</channel></rss>`,
		};
	}

	// ---------------------------------------------------------------- 3.x

	v3User(headers: http.IncomingHttpHeaders): string | undefined {
		const cookie = /(?:^|;\s*)cloudreve-session=([^;]+)/.exec(headers.cookie ?? '')?.[1];
		return cookie ? this.cookieSessions.get(cookie)?.email : undefined;
	}

	loginRequiredV3(): Reply {
		return this.fail(401, this.atLeast36 ? 'Login required' : '未登录');
	}

	private newCookie(state: { email?: string; pending2fa?: string }): Record<string, string> {
		const value = randomBytes(24).toString('base64url');
		this.cookieSessions.set(value, state);
		this.issuedSecrets.push(value);
		const maxAge = this.atLeast36 ? 60 * 86400 : 7 * 86400;
		return { 'set-cookie': `cloudreve-session=${value}; Path=/; Max-Age=${maxAge}; HttpOnly` };
	}

	private v3UserJson(email: string) {
		const user = this.users.get(email.toLowerCase())!;
		return {
			id: createHash('md5').update(email).digest('hex').slice(0, 4),
			user_name: user.email,
			nickname: user.nickname ?? user.email.split('@')[0],
			status: 0,
			anonymous: false,
			group: { id: 1, name: 'Admin', allowShare: true, allowRemoteDownload: this.options.groupAllowsRemoteDownload },
		};
	}

	private routeV3(method: string, route: string, body: Record<string, unknown>, headers: http.IncomingHttpHeaders): Reply | undefined {
		switch (`${method} ${route}`) {
			case 'GET /site/ping':
				this.stats.pings++;
				this.stats.probes++;
				return this.ok(this.version);
			case 'GET /site/config':
				return this.ok({ title: 'Cloudreve', loginCaptcha: this.options.loginCaptcha, captcha_type: 'normal', regCaptcha: false, user: { anonymous: true } });
			case 'POST /user/session':
				return this.loginV3(body);
			case 'POST /user/2fa':
				return this.twoFactorV3(body, headers);
			case 'GET /user/me': {
				const email = this.v3User(headers);
				return email ? this.ok(this.v3UserJson(email)) : this.loginRequiredV3();
			}
			default:
				return undefined;
		}
	}

	private loginV3(body: Record<string, unknown>): Reply {
		this.stats.loginAttempts++;
		const email = body.userName;
		const password = body.Password;
		if (typeof email !== 'string' || email === '') return this.fail(40001, this.atLeast36 ? 'Email cannot be empty' : '邮箱不能为空');
		if (!/^[^\s@]+@[^\s@]+$/.test(email)) return this.fail(40001, this.atLeast36 ? 'Email format error' : '邮箱格式不正确');
		if (typeof password !== 'string' || password.length < 4) return this.fail(40001, this.atLeast36 ? 'Password too short' : '密码太短');
		if (password.length > 64) return this.fail(40001, this.atLeast36 ? 'Password too long' : '密码太长');
		if (this.options.loginCaptcha && body.captchaCode !== 'right-captcha') {
			return this.atLeast36 ? this.fail(40026, 'CAPTCHA not match.') : this.fail(40001, '验证码错误');
		}
		const user = this.users.get(email.toLowerCase());
		if (!user || user.password !== password) {
			if (!versionAtLeast(this.version, '3.2.0')) return this.fail(401, '用户邮箱或密码错误');
			if (!this.atLeast36) return this.fail(40001, '用户邮箱或密码错误');
			return this.fail(40020, 'Wrong password or email address');
		}
		if (user.totpSecret) {
			return { body: { code: 203, msg: '' }, headers: this.newCookie({ pending2fa: user.email }) };
		}
		this.stats.logins++;
		return { body: { code: 0, data: this.v3UserJson(user.email), msg: '' }, headers: this.newCookie({ email: user.email }) };
	}

	private twoFactorV3(body: Record<string, unknown>, headers: http.IncomingHttpHeaders): Reply {
		const cookie = /(?:^|;\s*)cloudreve-session=([^;]+)/.exec(headers.cookie ?? '')?.[1];
		const pending = cookie ? this.cookieSessions.get(cookie)?.pending2fa : undefined;
		if (!cookie || !pending) return this.atLeast36 ? this.fail(40023, 'Login session not exist') : this.fail(404, '登录会话不存在');
		const user = this.users.get(pending.toLowerCase())!;
		if (body.code !== fakeTotp(user.totpSecret!)) return this.atLeast36 ? this.fail(40022, '2FA code not correct') : this.fail(40001, '验证代码不正确');
		this.cookieSessions.set(cookie, { email: user.email });
		this.stats.logins++;
		return this.ok(this.v3UserJson(user.email));
	}

	nameError(name: string): boolean {
		return name === '' || ILLEGAL_NAME.test(name) || Buffer.byteLength(name) >= 256;
	}

	/** Go's path.Clean on an absolute path. */
	clean(path: string): string[] {
		const out: string[] = [];
		for (const part of path.split('/')) {
			if (part === '' || part === '.') continue;
			if (part === '..') out.pop();
			else out.push(part);
		}
		return out;
	}

	/** Not found before 3.6 was 404 with a Chinese text; from 3.6 40016 (base doc §1.3). */
	notFoundV3(msgBefore36: string, msgFrom36 = 'Path not exist'): Reply {
		return this.atLeast36 ? this.fail(40016, msgFrom36) : this.fail(404, msgBefore36);
	}

	// ---------------------------------------------------------------- 4.x

	v4User(headers: http.IncomingHttpHeaders): string | undefined {
		const token = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
		const entry = token ? this.accessTokens.get(token) : undefined;
		if (!entry || entry.expires < Date.now()) return undefined;
		return entry.email;
	}

	loginRequiredV4(): Reply {
		return this.fail(401, 'Login required');
	}

	private v4UserJson(email: string) {
		const user = this.users.get(email.toLowerCase())!;
		return {
			id: createHash('md5').update(email).digest('hex').slice(0, 4),
			email: user.email,
			nickname: user.nickname ?? user.email.split('@')[0],
			status: 'active',
			group: { id: 'KaTM', name: 'Admin', permission: '/RoB' },
		};
	}

	private issueTokens(email: string) {
		const access = `eyJ${randomBytes(24).toString('base64url')}`;
		const refresh = `eyJ${randomBytes(24).toString('base64url')}`;
		const expires = Date.now() + this.options.accessTokenTtlMs;
		this.accessTokens.set(access, { email, expires });
		this.refreshTokens.set(refresh, email);
		this.issuedSecrets.push(access, refresh);
		this.stats.logins++;
		return {
			user: this.v4UserJson(email),
			token: {
				access_token: access,
				refresh_token: refresh,
				access_expires: new Date(expires).toISOString(),
				refresh_expires: new Date(Date.now() + 14 * 86400_000).toISOString(),
			},
		};
	}

	private routeV4(method: string, route: string, body: Record<string, unknown>, headers: http.IncomingHttpHeaders): Reply | undefined {
		const authed = (handler: (email: string) => Reply): Reply => {
			const email = this.v4User(headers);
			return email ? handler(email) : this.loginRequiredV4();
		};
		switch (`${method} ${route}`) {
			case 'GET /site/ping':
				this.stats.pings++;
				this.stats.probes++;
				return this.ok(this.version);
			case 'GET /site/config/login':
				return this.ok({ ...(this.options.loginCaptcha ? { login_captcha: true } : {}), register_enabled: false, authn: false });
			case 'POST /session/token':
				return this.loginV4(body);
			case 'POST /session/token/2fa': {
				const email = typeof body.session_id === 'string' ? this.twoFactorSessions.get(body.session_id) : undefined;
				if (!email) return this.fail(404, 'Session not found');
				if (body.otp !== fakeTotp(this.users.get(email.toLowerCase())!.totpSecret!)) return this.fail(40022, 'Incorrect 2FA code');
				this.twoFactorSessions.delete(body.session_id as string);
				return this.ok(this.issueTokens(email));
			}
			case 'POST /session/token/refresh': {
				const email = typeof body.refresh_token === 'string' ? this.refreshTokens.get(body.refresh_token) : undefined;
				if (!email) return this.fail(40020, 'Failed to issue token pair');
				return this.ok(this.issueTokens(email).token);
			}
			case 'GET /user/me':
				return authed((email) => this.ok(this.v4UserJson(email)));
			default:
				return undefined;
		}
	}

	private loginV4(body: Record<string, unknown>): Reply {
		this.stats.loginAttempts++;
		const { email, password } = body;
		if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) return this.fail(40001, 'Email format error');
		if (typeof password !== 'string' || password.length < 4 || password.length > 128) return this.fail(40001, 'Password length error');
		if (this.options.loginCaptcha && body.captcha !== 'right-captcha') return this.fail(40026, 'CAPTCHA not match.');
		const user = this.users.get(email.toLowerCase());
		if (!user || user.password !== password) return this.fail(40080, 'Incorrect password or email address');
		if (user.totpSecret) {
			const sessionId = randomUUID();
			this.twoFactorSessions.set(sessionId, user.email);
			return { body: { code: 203, data: sessionId, msg: '' } };
		}
		return this.ok(this.issueTokens(user.email));
	}

	/**
	 * Parses a File URI like Go's url.Parse + path.Clean: a raw "?" or "#" ends the path; what
	 * follows "?" is the search query of 4.x search (wave2 §7.1).
	 */
	parseUri(uri: unknown): { names: string[]; query: string } | 'unknown' | 'invalidName' {
		if (typeof uri !== 'string' || !uri.startsWith('cloudreve://')) return 'unknown';
		const [rest, query = ''] = uri.slice('cloudreve://'.length).split('#')[0].split(/\?(.*)/s);
		const [filesystem, ...segments] = rest.split('/');
		if (filesystem !== 'my') return 'unknown';
		const names: string[] = [];
		for (const segment of segments) {
			let name: string;
			try {
				name = decodeURIComponent(segment);
			} catch {
				return 'unknown';
			}
			if (name === '' || name === '.') continue;
			if (name === '..') {
				names.pop();
				continue;
			}
			if (ILLEGAL_NAME.test(name) || Buffer.byteLength(name) > 255) return 'invalidName';
			names.push(name);
		}
		return { names, query };
	}

	/** A 4.x FileResponse (kept here for other domains, e.g. shares). */
	fileJson(names: string[], node: Node) {
		return fileResponse(this, names, node);
	}
}
