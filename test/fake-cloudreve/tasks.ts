/**
 * Offline-download tasks of the fake server: 3.x /aria2/* and 4.x /workflow/* (doc §5 of
 * cloudreve-api.md, §6 and §10 of cloudreve-api-wave2.md). Tasks live in `server.tasks` (what
 * was added, in order); how far each has come is worked out from its age on the lab's clock.
 *
 * A task runs through its states in steps of `tasksOf(server).stepMs` (real time), or jumps with
 * `tasksOf(server).advance(steps)`; with `frozen`, only advance() moves the clock:
 *
 *   step 0            queued   (3.x: Ready, aria2 has not been polled yet, so `uris` is empty)
 *   steps 1 .. 1+D    downloading, with progress (D = `durations` per URL, default 3)
 *   step 1+D          transferring into the drive (3.x: Complete with task_status 1)
 *   step 2+D          completed: the files are put into the drive at the destination
 *
 * A URL in `failingDownloads` fails at step 2 with its aria2 message. Cancel: 3.x shows it at
 * once; 4.x on the task's next monitor pass (`cancelDelaySteps`), as real servers do (§10).
 */
import { createHash, randomBytes, randomUUID } from 'crypto';

import type { FakeCloudreve, Reply, RouteContext, Task } from './server';
import { versionAtLeast } from './util';

type Phase = 'queued' | 'downloading' | 'transferring' | 'completed' | 'failed' | 'canceled';

interface Life {
	/** Lab-clock ms when the task was added. */
	bornAt: number;
	steps: number;
	size: number;
	/** Name of the (single) file the download produces. */
	fileName: string;
	failure?: string;
	/** Lab-clock ms of the cancel request, and when lists show it. */
	canceledAt?: number;
	cancelVisibleAt?: number;
	/** The files were put into the drive. */
	landed: boolean;
}

interface State {
	phase: Phase;
	/** Lab-clock ms the task entered this phase (3.x `update`, 4.x `updated_at`). */
	since: number;
	downloaded: number;
	/** aria2 has polled the task (3.x `uris` are known). */
	polled: boolean;
}

const DEFAULT_STEPS = 3;
const FAILURE_STEP = 2;

/** The test controls of one server's offline downloads. */
export class TaskLab {
	/** Real milliseconds per step (ignored while frozen). */
	stepMs = 1000;

	/** Only advance() moves the clock. */
	frozen = false;

	/** URL → aria2's error message: the download starts, then fails with it. */
	readonly failingDownloads = new Map<string, string>();

	/** URL → download steps (default 3). */
	readonly durations = new Map<string, number>();

	/** URL → file size in bytes (default derived from the URL, 1–9 MiB). */
	readonly sizes = new Map<string, number>();

	/** 4.x: steps until a cancel shows in the lists (the next monitor pass). */
	cancelDelaySteps = 1;

	/** Put finished files into the drive (off for bulk tasks). */
	landFiles = true;

	private offsetMs = 0;

	private frozenAt = Date.now();

	readonly lives = new WeakMap<Task, Life>();

	private timer?: NodeJS.Timeout;

	constructor(private readonly server: FakeCloudreve) {}

	now(): number {
		return (this.frozen ? this.frozenAt : Date.now()) + this.offsetMs;
	}

	/** Moves the clock `steps` steps on and lets every task catch up. */
	advance(steps = 1): void {
		this.offsetMs += steps * this.stepMs;
		this.sync();
	}

	freeze(): void {
		this.frozenAt = Date.now();
		this.frozen = true;
	}

	lifeOf(task: Task): Life {
		let life = this.lives.get(task);
		if (!life) {
			const parsed = Date.parse(task.createdAt);
			life = this.newLife(task.url, Number.isNaN(parsed) ? this.now() : parsed + this.offsetMs);
			this.lives.set(task, life);
		}
		return life;
	}

	newLife(url: string, bornAt = this.now()): Life {
		return {
			bornAt,
			steps: this.durations.get(url) ?? DEFAULT_STEPS,
			size: this.sizes.get(url) ?? sizeFor(url),
			fileName: fileNameOf(url),
			failure: this.failingDownloads.get(url),
			landed: !this.landFiles,
		};
	}

	/** Where the task stands at lab time `at`, ignoring a cancel. */
	private naturalAt(life: Life, at: number): State {
		const step = this.stepMs;
		const after = (steps: number) => life.bornAt + steps * step;
		if (at < after(1)) return { phase: 'queued', since: life.bornAt, downloaded: 0, polled: false };
		if (life.failure !== undefined && at >= after(FAILURE_STEP)) return { phase: 'failed', since: after(FAILURE_STEP), downloaded: Math.floor(life.size / 3), polled: true };
		if (at < after(1 + life.steps)) {
			const fraction = (at - after(1)) / (life.steps * step);
			return { phase: 'downloading', since: after(1), downloaded: Math.floor(life.size * fraction), polled: true };
		}
		if (at < after(2 + life.steps)) return { phase: 'transferring', since: after(1 + life.steps), downloaded: life.size, polled: true };
		return { phase: 'completed', since: after(2 + life.steps), downloaded: life.size, polled: true };
	}

	stateOf(task: Task): State {
		const life = this.lifeOf(task);
		const now = this.now();
		if (life.canceledAt === undefined) return this.naturalAt(life, now);
		// A cancel stops the task where it was; 4.x lists show it only from cancelVisibleAt.
		const stopped = this.naturalAt(life, life.canceledAt);
		if (stopped.phase === 'completed' || stopped.phase === 'failed') return this.naturalAt(life, now);
		const visible = life.cancelVisibleAt ?? life.canceledAt;
		if (now >= visible) return { phase: 'canceled', since: visible, downloaded: stopped.downloaded, polled: true };
		return stopped;
	}

	/** Puts the files of tasks that completed into the drive; keeps a timer while some are on their way. */
	sync(): void {
		let pending = false;
		for (const task of this.server.tasks) {
			const life = this.lifeOf(task);
			if (life.landed) continue;
			const state = this.stateOf(task);
			if (state.phase === 'completed') {
				life.landed = true;
				const folder = folderOf(this.server, task.dst);
				if (folder !== undefined) this.server.addPatternFile(`${folder === '/' ? '' : folder}/${life.fileName}`, life.size, task.owner);
			} else if (state.phase === 'failed' || state.phase === 'canceled') {
				life.landed = true;
			} else {
				pending = true;
			}
		}
		if (pending && !this.timer && !this.frozen) {
			this.timer = setInterval(() => this.sync(), Math.max(10, Math.floor(this.stepMs / 2)));
			this.timer.unref();
		} else if ((!pending || this.frozen) && this.timer) {
			clearInterval(this.timer);
			this.timer = undefined;
		}
	}

	/**
	 * `count` tasks added `agoSteps` steps ago (finished by now unless the steps are few), for
	 * bulk tests: no files are put into the drive for them.
	 */
	addFinished(count: number, options: { dst?: string; agoSteps?: number; urlPrefix?: string; owner?: string } = {}): Task[] {
		const bornAt = this.now() - (options.agoSteps ?? DEFAULT_STEPS + 3) * this.stepMs;
		const dst = options.dst ?? (this.server.generation === 'v3' ? '/' : 'cloudreve://my');
		const created: Task[] = [];
		for (let index = 0; index < count; index++) {
			const url = `${options.urlPrefix ?? 'http://bulk.example/file'}-${index + 1}.bin`;
			const task: Task = { id: this.newTaskId(), url, dst, owner: options.owner ?? 'demo@example.com', createdAt: new Date(bornAt).toISOString() };
			this.lives.set(task, { ...this.newLife(url, bornAt), landed: true });
			this.server.tasks.push(task);
			created.push(task);
		}
		return created;
	}

	/** Tasks added now, as an add request would (for tests that need no node to add them); `folder` is a plain path. */
	add(urls: string[], folder = '/', owner = 'demo@example.com'): Task[] {
		const dst = this.server.generation === 'v3' ? folder : `cloudreve://my${folder.split('/').filter(Boolean).map((name) => `/${encodeURIComponent(name)}`).join('')}`;
		const created = urls.map((url) => {
			const task: Task = { id: this.newTaskId(), url, dst, owner, createdAt: iso(this.now()) };
			this.lives.set(task, this.newLife(url));
			this.server.tasks.push(task);
			return task;
		});
		this.sync();
		return created;
	}

	newTaskId(): string {
		return this.server.generation === 'v3' ? randomBytes(8).toString('hex') : this.server.newId();
	}

	/** Lists cached per clock reading and task count (bulk tests read 10,000 tasks page by page). */
	private cache?: { key: string; states: Map<Task, State> };

	states(): Map<Task, State> {
		const key = `${this.now()} ${this.server.tasks.length} ${this.mutations}`;
		if (this.cache?.key !== key) this.cache = { key, states: new Map(this.server.tasks.map((task) => [task, this.stateOf(task)])) };
		return this.cache.states;
	}

	mutations = 0;
}

const labs = new WeakMap<FakeCloudreve, TaskLab>();

/** The offline-download controls of `server` (clock, failing downloads, durations, sizes). */
export function tasksOf(server: FakeCloudreve): TaskLab {
	let lab = labs.get(server);
	if (!lab) {
		lab = new TaskLab(server);
		labs.set(server, lab);
	}
	return lab;
}

function sizeFor(url: string): number {
	return (1 + (createHash('md5').update(url).digest()[0] % 9)) * 1024 * 1024;
}

/** The name of what a link downloads: the last path segment, a magnet's dn, or its hash. */
export function fileNameOf(url: string): string {
	if (/^magnet:/i.test(url)) {
		const params = new URLSearchParams(url.replace(/^magnet:\?/i, ''));
		return params.get('dn') ?? (params.get('xt') ?? 'magnet').split(':').pop()!;
	}
	try {
		const last = new URL(url).pathname.split('/').filter(Boolean).pop();
		return last ? decodeURIComponent(last) : 'index.html';
	} catch {
		return 'download.bin';
	}
}

function btih(url: string): string | undefined {
	if (!/^magnet:/i.test(url)) return undefined;
	const xt = new URLSearchParams(url.replace(/^magnet:\?/i, '')).get('xt') ?? '';
	return /^urn:btih:(.+)$/i.exec(xt)?.[1]?.toLowerCase();
}

/** The destination as a plain path ("/a/b"): 3.x stores one, 4.x a cloudreve://my URI. */
function folderOf(server: FakeCloudreve, dst: string): string | undefined {
	if (!dst.startsWith('cloudreve://')) return dst;
	const parsed = server.parseUri(dst);
	return typeof parsed === 'string' ? undefined : `/${parsed.names.join('/')}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------- 3.x

/** aria2 statuses (pkg/aria2/common): 0 Ready, 1 Downloading, 3 Error, 4 Complete, 5 Canceled. */
const V3_STATUS: Record<Phase, number> = { queued: 0, downloading: 1, transferring: 4, completed: 4, failed: 3, canceled: 5 };

function v3Files(task: Task, life: Life, state: State, relative: boolean) {
	const uris = state.polled && !btih(task.url) ? [{ uri: task.url, status: 'used' }] : [];
	return [
		{
			index: '1',
			path: relative ? life.fileName : `/var/cloudreve/aria2/temp/${task.id}/${life.fileName}`,
			length: String(state.polled ? life.size : 0),
			completedLength: String(state.downloaded),
			selected: 'true',
			uris,
		},
	];
}

function v3Downloading(server: FakeCloudreve, lab: TaskLab, task: Task, state: State) {
	const life = lab.lifeOf(task);
	const hash = btih(task.url);
	return {
		update: iso(state.since),
		interval: 10,
		name: state.polled ? life.fileName : '',
		status: V3_STATUS[state.phase],
		dst: task.dst,
		total: state.polled ? life.size : 0,
		downloaded: state.downloaded,
		speed: state.phase === 'downloading' ? Math.floor(life.size / Math.max(1, life.steps) / (lab.stepMs / 1000)) : 0,
		info: {
			gid: task.id,
			status: state.phase === 'downloading' ? 'active' : 'waiting',
			totalLength: String(state.polled ? life.size : 0),
			completedLength: String(state.downloaded),
			downloadSpeed: '0',
			files: v3Files(task, life, state, false),
			...(hash ? { infoHash: hash, bittorrent: { info: { name: life.fileName } } } : {}),
			errorMessage: '',
		},
		node: 'Master (Local machine)',
	};
}

function v3Finished(server: FakeCloudreve, lab: TaskLab, task: Task, state: State) {
	const life = lab.lifeOf(task);
	return {
		name: life.fileName,
		gid: task.id,
		status: V3_STATUS[state.phase],
		dst: task.dst,
		error: state.phase === 'failed' ? life.failure : '',
		total: life.size,
		files: v3Files(task, life, state, true),
		// The transfer into the drive: 1 processing, 4 complete; -1 none (failed or canceled downloads).
		task_status: state.phase === 'transferring' ? 1 : state.phase === 'completed' ? 4 : -1,
		task_error: '',
		create: task.createdAt,
		// The download record is saved when the transfer starts; its end changes only the transfer task.
		update: iso(state.phase === 'completed' ? state.since - lab.stepMs : state.since),
		node: 'Master (Local machine)',
	};
}

const ACTIVE: Phase[] = ['queued', 'downloading'];

/** Newest update first, as Cloudreve orders both lists. */
function byUpdate(entries: Array<[Task, State]>): Array<[Task, State]> {
	return entries.sort((a, b) => b[1].since - a[1].since || b[0].createdAt.localeCompare(a[0].createdAt));
}

function pageOf<T>(items: T[], page: number): T[] {
	return page >= 1 ? items.slice((page - 1) * 10, page * 10) : items;
}

function listV3(server: FakeCloudreve, email: string, finished: boolean, page: number): Reply {
	const lab = tasksOf(server);
	lab.sync();
	const mine = [...lab.states()].filter(([task, state]) => task.owner === email && ACTIVE.includes(state.phase) !== finished);
	const sorted = pageOf(byUpdate(mine), page);
	return server.ok(sorted.map(([task, state]) => (finished ? v3Finished(server, lab, task, state) : v3Downloading(server, lab, task, state))));
}

function cancelV3(server: FakeCloudreve, email: string, gid: string): Reply {
	const lab = tasksOf(server);
	const index = server.tasks.findIndex((task) => task.id === gid && task.owner === email);
	if (index < 0) return server.fail(404, server.atLeast36 ? 'Task not found' : '任务不存在');
	const task = server.tasks[index];
	const state = lab.stateOf(task);
	lab.mutations++;
	if (ACTIVE.includes(state.phase)) {
		const life = lab.lifeOf(task);
		life.canceledAt = lab.now();
		life.cancelVisibleAt = life.canceledAt;
		return server.ok();
	}
	// An ended task: its record is deleted (≥3.2).
	server.tasks.splice(index, 1);
	return server.ok();
}

function addV3(server: FakeCloudreve, email: string, body: Record<string, unknown>): Reply {
	const batch = versionAtLeast(server.version, '3.5.3');
	const urls = body.url;
	if (batch ? !Array.isArray(urls) : typeof urls !== 'string') return server.fail(40001, 'JSON marshall error');
	if (typeof body.dst !== 'string' || body.dst === '') return server.fail(40001, server.atLeast36 ? 'Dst cannot be empty' : '目标路径不能为空');
	if (!server.options.groupAllowsRemoteDownload) return server.fail(40007, server.atLeast36 ? '' : '当前用户组无法进行此操作');
	const list = batch ? (urls as unknown[]).map(String) : [urls as string];
	if (batch && list.length > server.options.aria2BatchSize) return server.fail(40015, server.atLeast36 ? '' : '超出批量离线下载数量限制');
	const dst = body.dst;
	const folder = server.tree(email).get(dst);
	if (!dst.startsWith('/') || (dst !== '/' && dst.endsWith('/')) || !folder || folder.type !== 'folder') {
		return server.atLeast36 ? server.fail(40016, '') : server.fail(404, '存放路径不存在');
	}
	const lab = tasksOf(server);
	const results = list.map((url) => {
		if (server.options.aria2 === 'noNode') return { code: 50005, msg: server.atLeast36 ? 'Failed to get Aria2 instance' : 'Aria2 实例获取失败' };
		const failure = server.failingUrls.get(url);
		if (failure !== undefined) return { code: failure, msg: server.atLeast36 ? 'Failed to create task' : '任务创建失败' };
		const task: Task = { id: lab.newTaskId(), url, dst, owner: email, createdAt: iso(lab.now()) };
		lab.lives.set(task, lab.newLife(url));
		server.tasks.push(task);
		return { code: 0, msg: '' };
	});
	lab.sync();
	if (batch) return server.ok(results);
	return results[0].code === 0 ? server.ok() : server.fail(results[0].code, results[0].msg);
}

// ---------------------------------------------------------------- 4.x

/** A TaskResponse (CR@4.0.0:service/explorer/response.go) for the task as it stands. */
function taskJsonV4(server: FakeCloudreve, task: Task, state: State) {
	const lab = tasksOf(server);
	const life = lab.lifeOf(task);
	let status: string;
	let phase = '';
	switch (state.phase) {
		case 'queued':
			status = 'queued';
			break;
		case 'downloading':
			status = 'processing';
			phase = 'monitor';
			break;
		case 'transferring':
			status = 'processing';
			phase = 'transfer';
			break;
		case 'failed':
			status = 'error';
			phase = 'monitor';
			break;
		default:
			status = state.phase;
			phase = state.phase === 'completed' ? 'transfer' : 'monitor';
	}
	const hash = btih(task.url);
	const download =
		state.phase === 'queued'
			? null
			: {
					name: life.fileName,
					state: state.phase === 'failed' ? 'error' : state.phase === 'downloading' ? 'downloading' : 'completed',
					total: life.size,
					downloaded: state.downloaded,
					download_speed: state.phase === 'downloading' ? Math.floor(life.size / Math.max(1, life.steps) / (lab.stepMs / 1000)) : 0,
					uploaded: 0,
					upload_speed: 0,
					...(hash ? { hash } : {}),
					files: [{ index: 0, name: life.fileName, size: life.size, progress: life.size > 0 ? state.downloaded / life.size : 0, selected: true }],
					num_pieces: 0,
					...(state.phase === 'failed' ? { error_message: life.failure } : {}),
				};
	return {
		id: task.id,
		status,
		type: 'remote_download',
		created_at: task.createdAt,
		updated_at: iso(state.since),
		summary: { phase, props: { download, dst: task.dst, failed: 0, src: '', src_str: task.url } },
		...(state.phase === 'failed' ? { error: `failed to download: ${life.failure}`, error_history: [`failed to download: ${life.failure}`], retry_count: 0 } : {}),
		...(state.phase === 'completed' ? { duration: Math.round((state.since - life.bornAt) / 1000) } : {}),
		node: { id: 'NBcK', name: 'Master', type: 'master' },
	};
}

function addV4(server: FakeCloudreve, email: string, body: Record<string, unknown>): Reply {
	if (!server.options.groupAllowsRemoteDownload) return server.fail(40007, 'Group not allowed to download files');
	const src = body.src;
	if (!Array.isArray(src) || src.length === 0) return server.fail(40001, 'No source files');
	const parsed = server.parseUri(body.dst);
	if (typeof parsed === 'string') return server.fail(40001, 'Invalid destination');
	const dst = `/${parsed.names.join('/')}`;
	if (!server.tree(email).has(dst)) return server.fail(40016, 'Invalid destination');
	if (src.length > server.options.aria2BatchSize) return server.fail(40015, 'Too many URLs');
	const lab = tasksOf(server);
	const failures: Record<string, unknown> = {};
	const created: Task[] = [];
	for (const url of src.map(String)) {
		const code = server.failingUrls.get(url);
		if (code !== undefined) {
			failures[url] = { code, msg: 'Failed to create download task', correlation_id: randomUUID() };
			continue;
		}
		const task: Task = { id: lab.newTaskId(), url, dst: body.dst as string, owner: email, createdAt: iso(lab.now()) };
		lab.lives.set(task, lab.newLife(url));
		server.tasks.push(task);
		created.push(task);
	}
	lab.sync();
	const failed = Object.keys(failures);
	if (failed.length > 0) {
		const msg = failed.length === 1 ? 'Failed to create download task' : 'One or more operation failed';
		return server.fail(40081, msg, { aggregated_error: failures });
	}
	return server.ok(created.map((task) => taskJsonV4(server, task, lab.stateOf(task))));
}

/** Cursor tokens of the downloaded category: the position after the page, opaque to clients. */
const encodeToken = (position: number) => Buffer.from(`task:${position}`).toString('base64url');
const decodeToken = (token: string) => Number(/^task:(\d+)$/.exec(Buffer.from(token, 'base64url').toString())?.[1] ?? NaN);

function listV4(server: FakeCloudreve, email: string, query: URLSearchParams): Reply {
	const category = query.get('category');
	const size = Number(query.get('page_size'));
	if (!category || !(size >= 10 && size <= 100)) return server.fail(40001, 'Parameter error');
	const lab = tasksOf(server);
	lab.sync();
	// Newest first (by id, i.e. creation); downloading = queued/processing/suspending, all at once.
	const mine = [...lab.states()].filter(([task]) => task.owner === email).reverse();
	if (category === 'general') return server.ok({ tasks: [], pagination: { page: 0, page_size: size, is_cursor: true } });
	if (category === 'downloading') {
		const running = mine.filter(([, state]) => ACTIVE.includes(state.phase) || state.phase === 'transferring');
		return server.ok({ tasks: running.map(([task, state]) => taskJsonV4(server, task, state)), pagination: { page: 0, page_size: size, is_cursor: true } });
	}
	if (category !== 'downloaded') return server.fail(40001, 'Parameter error');
	const ended = mine.filter(([, state]) => !ACTIVE.includes(state.phase) && state.phase !== 'transferring');
	const token = query.get('next_page_token');
	const start = token ? decodeToken(token) : 0;
	if (Number.isNaN(start)) return server.fail(40001, 'Invalid page token');
	const page = ended.slice(start, start + size);
	const next = start + size < ended.length ? encodeToken(start + size) : undefined;
	return server.ok({
		tasks: page.map(([task, state]) => taskJsonV4(server, task, state)),
		pagination: { page: 0, page_size: size, is_cursor: true, ...(next ? { next_token: next } : {}) },
	});
}

function cancelV4(server: FakeCloudreve, email: string, id: string): Reply {
	const lab = tasksOf(server);
	const task = server.tasks.find((candidate) => candidate.id === id && candidate.owner === email);
	if (!task) return server.fail(404, 'Task not found');
	const state = lab.stateOf(task);
	if (state.phase === 'queued' || state.phase === 'downloading' || state.phase === 'transferring') {
		const life = lab.lifeOf(task);
		life.canceledAt ??= lab.now();
		life.cancelVisibleAt ??= life.canceledAt + lab.cancelDelaySteps * lab.stepMs;
		lab.mutations++;
	}
	return server.ok();
}

// ---------------------------------------------------------------- routes

export function taskRoutes({ server, method, route, body, query, email }: RouteContext): Reply | undefined {
	const v3Cancel = server.generation === 'v3' && method === 'DELETE' ? /^\/aria2\/task\/([^/]+)$/.exec(route) : null;
	const v4Cancel = server.generation === 'v4' && method === 'DELETE' ? /^\/workflow\/download\/([^/]+)$/.exec(route) : null;
	const key = `${server.generation} ${method} ${route}`;
	const known = ['v3 POST /aria2/url', 'v3 GET /aria2/downloading', 'v3 GET /aria2/finished', 'v4 POST /workflow/download', 'v4 GET /workflow'];
	if (!known.includes(key) && !v3Cancel && !v4Cancel) return undefined;
	if (!email) return server.generation === 'v3' ? server.loginRequiredV3() : server.loginRequiredV4();
	if (v3Cancel) return cancelV3(server, email, decodeURIComponent(v3Cancel[1]));
	if (v4Cancel) return cancelV4(server, email, decodeURIComponent(v4Cancel[1]));
	switch (key) {
		case 'v3 POST /aria2/url':
			return addV3(server, email, body);
		case 'v3 GET /aria2/downloading':
			return listV3(server, email, false, Number(query.get('page') ?? 0) || 0);
		case 'v3 GET /aria2/finished':
			return listV3(server, email, true, Number(query.get('page') ?? 0) || 0);
		case 'v4 POST /workflow/download':
			return addV4(server, email, body);
		default:
			return listV4(server, email, query);
	}
}
