/**
 * One tracker per execution (per client) for the offline downloads its items add: it finds the
 * task ids 3.x does not return, waits for tasks to end, and reads the task lists once for Skip
 * Links Already Queued. Items only register their tasks while they are sent; the router settles
 * them after the last item (see Later), so every poll reads ONE task list for all the items of
 * the execution, never one per item or per task.
 *
 * Finding a 3.x task: Cloudreve 3.x answers an add without a gid, so the new task is looked for
 * in the lists by link and destination (wave2 §6). Its link is empty until Cloudreve first polls
 * aria2, about a second after the add (wave2 §10), so the look-up is repeated a few times. Where
 * several tasks fit, the task says so (taskId null and a note) instead of guessing.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { ApplicationError, sleep } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import type { CloudreveApi, Page, Task, TaskStatus } from '../../transport/contract';
import { CloudreveError } from '../../transport/contract';

/** Pause before the second poll; each later pause is 1.5 times longer, up to MAX_DELAY_MS. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;
const BACKOFF = 1.5;

/** How long a task's id is looked for after it was added. */
const IDENTIFY_MS = 10_000;

/** A finished task created this long before the execution started is not one it added (allows for clock skew). */
const CLOCK_SKEW_MS = 2 * 60_000;

/** Pages of the finished list read in a row while looking for tasks that left the active list. */
const SWEEP_PAGES = 3;

/** Finished-list page size asked for (3.x pages are always 10). */
const FINISHED_PAGE = 100;

/** Polls in a row that may fail before the watch ends with what was last seen. */
const FAILED_POLLS = 3;

/** Sweeps of the finished list that miss a task before it counts as no longer listed. */
const MISSED_SWEEPS = 3;

const ENDED: TaskStatus[] = ['completed', 'failed', 'canceled'];

/** Where waiting ends: the task ended, or it seeds (its files are in the drive). */
const isDone = (status: TaskStatus) => ENDED.includes(status) || status === 'seeding';

/** Statuses of tasks that Skip Links Already Queued counts as queued (failed and canceled ones are sent again). */
const STILL_GOOD: TaskStatus[] = ['queued', 'downloading', 'transferring', 'seeding', 'completed'];

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A magnet's info hash in lowercase hex (base32 hashes converted), else undefined. */
function infoHash(link: string): string | undefined {
	const match = /^magnet:\?(?:.*&)?xt=urn:btih:([a-z0-9]+)/i.exec(link);
	if (!match) return undefined;
	const hash = match[1].toLowerCase();
	if (/^[0-9a-f]{40}$/.test(hash)) return hash;
	if (hash.length !== 32) return hash;
	let bits = '';
	for (const char of hash) bits += BASE32.indexOf(char).toString(2).padStart(5, '0');
	return (bits.match(/.{4}/g) ?? []).map((nibble) => parseInt(nibble, 2).toString(16)).join('');
}

/** What identifies a link: a magnet by its info hash, anything else as written. */
export function linkKey(url: string): string {
	const hash = infoHash(url);
	return hash === undefined ? url.trim() : `btih:${hash}`;
}

const placeKey = (url: string, destination: string) => `${destination}\n${linkKey(url)}`;

interface Deferred {
	promise: Promise<void>;
	resolve: () => void;
	reject: (error: unknown) => void;
}

function deferred(): Deferred {
	let resolve!: () => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<void>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	// A watch nobody settles (its item failed first) must not be an unhandled rejection.
	promise.catch(() => undefined);
	return { promise, resolve, reject };
}

/** One task the execution follows: found by id (or by link and destination on 3.x), maybe until it ends. */
export class Watch {
	taskId?: string;

	/** As last seen in the lists. */
	task?: Task;

	note?: string;

	timedOut = false;

	done = false;

	/** Which list to look in next. */
	where: 'unknown' | 'active' | 'finished' = 'unknown';

	misses = 0;

	readonly settled = deferred();

	constructor(
		readonly url: string,
		readonly destination: string,
		readonly addedAt: number,
		/** Waiting ends here (ms since epoch); undefined: only the id is wanted. */
		readonly deadline: number | undefined,
		taskId: string | undefined,
	) {
		this.taskId = taskId;
	}

	get identifyUntil(): number {
		return Math.min(this.deadline ?? Infinity, this.addedAt + IDENTIFY_MS);
	}

	finish(note?: string): void {
		if (this.done) return;
		if (note !== undefined) this.note = note;
		this.done = true;
		this.settled.resolve();
	}

	/** The task for the node's output: as last seen, or what is known without it. */
	output(): Record<string, unknown> {
		const base: Record<string, unknown> = this.task ? { ...this.task } : { url: this.url, status: 'queued', taskId: this.taskId ?? null };
		if (this.task === undefined && this.deadline !== undefined) base.destination = this.destination;
		if (this.timedOut) base.timedOut = true;
		if (this.note !== undefined) base.note = this.note;
		return base;
	}
}

export class TaskTracker {
	private readonly watches: Watch[] = [];

	private loop?: Promise<void>;

	private known?: Promise<Task[]>;

	/** Links this execution queued, by destination and link: a repeat refers to the same task. */
	private readonly queuedHere = new Map<string, Watch>();

	/** Task ids that existed before this execution added anything (from the snapshot). */
	private readonly preexisting = new Set<string>();

	/** Candidates seen so far per place, for the look-up of tasks without an id. */
	private readonly candidates = new Map<string, Map<string, Task>>();

	private readonly startedAt = Date.now();

	private sourcesRead = new Set<'active' | 'finished'>();

	/** The unreadable (link not known yet) tasks of the last active read, per destination. */
	private blankDestinations = new Set<string>();

	constructor(
		private readonly api: () => Promise<CloudreveApi>,
		private readonly signal: AbortSignal | undefined,
	) {}

	/**
	 * Every task the account has, read once per execution: the active list and the finished list
	 * (3.x: both in one request each; 4.x: the finished list in pages of 100).
	 */
	async snapshot(): Promise<Task[]> {
		this.known ??= (async () => {
			const api = await this.api();
			const tasks = [...(await api.listTasks('active', { limit: Infinity })).items];
			let next: string | undefined;
			do {
				const page = await api.listTasks('finished', { limit: Infinity, next });
				tasks.push(...page.items);
				next = page.next;
			} while (next !== undefined);
			for (const task of tasks) this.preexisting.add(task.taskId);
			return tasks;
		})();
		const tasks = this.known;
		// A failed read is not remembered: the next item may try again.
		tasks.catch(() => (this.known = undefined));
		return await tasks;
	}

	/** The task already downloading or finished (not failed or canceled) for `url` into `destination`, if any. */
	async existing(url: string, destination: string): Promise<Task | Watch | undefined> {
		const here = this.queuedHere.get(placeKey(url, destination));
		if (here) return here;
		const key = placeKey(url, destination);
		const tasks = await this.snapshot();
		return tasks.find((task) => STILL_GOOD.includes(task.status) && task.url !== '' && placeKey(task.url, task.destination) === key);
	}

	/** Follows a task just added (taskId known on 4.x) or already there (a skipped link). */
	watch(url: string, destination: string, options: { taskId?: string; waitMs?: number; task?: Task }): Watch {
		const now = Date.now();
		const watch = new Watch(url, destination, now, options.waitMs === undefined ? undefined : now + options.waitMs, options.taskId);
		if (options.task) watch.task = options.task;
		if (!this.needsPolling(watch)) watch.finish();
		this.watches.push(watch);
		if (options.task === undefined) this.queuedHere.set(placeKey(url, destination), watch);
		return watch;
	}

	/** Resolves once these watches are done; one poll loop serves every watch of the execution. */
	async settle(watches: Watch[]): Promise<void> {
		if (watches.every((watch) => watch.done)) return;
		this.loop ??= this.run()
			.catch((error: unknown) => {
				// A canceled execution (or a bug) ends every watch of the execution with the error.
				for (const watch of this.watches) if (!watch.done) watch.settled.reject(error);
			})
			.finally(() => (this.loop = undefined));
		await Promise.all(watches.map(async (watch) => await watch.settled.promise));
	}

	private needsPolling(watch: Watch): boolean {
		if (watch.done) return false;
		if (watch.taskId === undefined) return true;
		if (watch.deadline === undefined) return false;
		return watch.task === undefined || !isDone(watch.task.status);
	}

	private async run(): Promise<void> {
		let delay = FIRST_DELAY_MS;
		let last: 'active' | 'finished' | undefined;
		let cursor: string | undefined;
		let sweep = 0;
		let failures = 0;
		for (;;) {
			// n8n 1.x's sleep ignores the signal: look at it on every round.
			if (this.signal?.aborted) throw new ApplicationError('The execution was canceled while it waited for offline downloads');
			this.expire();
			const open = this.watches.filter((watch) => !watch.done);
			if (open.length === 0) return;
			const wantActive = open.some((watch) => watch.where !== 'finished');
			const wantFinished = open.some((watch) => watch.where !== 'active');
			const source = wantActive && wantFinished ? (last === 'active' ? 'finished' : 'active') : wantActive ? 'active' : 'finished';
			const outcome = await this.read(source, cursor).catch((error: unknown) => error as Error);
			if (outcome instanceof Error) {
				if (this.signal?.aborted || !(outcome instanceof CloudreveError)) throw outcome;
				if (++failures >= FAILED_POLLS) {
					for (const watch of open) watch.finish(`Stopped watching after ${FAILED_POLLS} failed reads of the task list: ${outcome.message}`);
				}
			} else if (source === 'active') {
				failures = 0;
				this.seeActive(outcome.items);
			} else {
				failures = 0;
				// Watches that left the active list are looked for in the next pages too, a few at most.
				const missing = open.some((watch) => watch.where !== 'active' && (watch.taskId === undefined || !outcome.items.some((task) => task.taskId === watch.taskId)));
				const more = missing && outcome.next !== undefined && sweep + 1 < SWEEP_PAGES;
				cursor = more ? outcome.next : undefined;
				sweep = more ? sweep + 1 : 0;
				this.seeFinished(outcome.items, !more);
			}
			last = source;
			const waiting = this.watches.filter((watch) => !watch.done);
			if (waiting.length === 0) return;
			const nearest = Math.min(...waiting.map((watch) => (watch.taskId === undefined ? watch.identifyUntil : (watch.deadline ?? Infinity))));
			await sleep(Math.max(0, Math.min(delay, nearest - Date.now())), this.signal);
			delay = Math.min(delay * BACKOFF, MAX_DELAY_MS);
		}
	}

	/** One poll: ONE request, whatever the number of tasks followed. */
	private async read(source: 'active' | 'finished', cursor: string | undefined): Promise<Page<Task>> {
		const api = await this.api();
		return source === 'active' ? await api.listTasks('active', { limit: Infinity }) : await api.listTasks('finished', { limit: FINISHED_PAGE, next: cursor });
	}

	/** Deadlines: a wait that ran out keeps the task as last seen; a look-up that ran out says why. */
	private expire(): void {
		const now = Date.now();
		for (const watch of this.watches) {
			if (watch.done) continue;
			if (watch.taskId === undefined && now >= watch.identifyUntil) {
				watch.taskId = undefined;
				watch.finish(watch.note ?? this.notFoundNote());
			} else if (watch.deadline !== undefined && now >= watch.deadline) {
				watch.timedOut = true;
				watch.finish();
			}
		}
	}

	private notFoundNote(): string {
		return 'Cloudreve did not return a task id for this link, and no task with this link and destination showed up in its task lists in time; look for it in Get Many.';
	}

	private seeActive(tasks: Task[]): void {
		this.sourcesRead.add('active');
		this.blankDestinations = new Set(tasks.filter((task) => task.url === '').map((task) => task.destination));
		this.identify(tasks);
		for (const watch of this.watches) {
			if (watch.done || watch.taskId === undefined) continue;
			const task = tasks.find((candidate) => candidate.taskId === watch.taskId);
			if (task) {
				watch.task = task;
				watch.where = 'active';
				watch.misses = 0;
				if (isDone(task.status)) watch.finish();
			} else if (watch.where !== 'finished') {
				watch.where = 'finished';
			}
		}
	}

	private seeFinished(tasks: Task[], sweepEnded: boolean): void {
		this.sourcesRead.add('finished');
		this.identify(tasks);
		for (const watch of this.watches) {
			if (watch.done || watch.taskId === undefined) continue;
			const task = tasks.find((candidate) => candidate.taskId === watch.taskId);
			if (task) {
				watch.task = task;
				watch.where = 'finished';
				watch.misses = 0;
				if (isDone(task.status)) watch.finish();
			} else if (sweepEnded && watch.where !== 'active') {
				// Not in the newest finished pages either: look in both lists again.
				watch.where = 'unknown';
				if (++watch.misses >= MISSED_SWEEPS) watch.finish('Cloudreve no longer lists this task (it may have been deleted); the status is as last seen.');
			}
		}
	}

	/** Gives tasks without an id theirs, where the lists tell them apart. */
	private identify(tasks: Task[]): void {
		const pending = this.watches.filter((watch) => !watch.done && watch.taskId === undefined);
		if (pending.length === 0) return;
		const claimed = new Set([...this.preexisting, ...this.watches.flatMap((watch) => (watch.taskId === undefined ? [] : [watch.taskId]))]);
		for (const task of tasks) {
			if (task.url === '' || claimed.has(task.taskId)) continue;
			const created = Date.parse(task.createdAt);
			if (!Number.isNaN(created) && created < this.startedAt - CLOCK_SKEW_MS) continue;
			const key = placeKey(task.url, task.destination);
			if (!pending.some((watch) => placeKey(watch.url, watch.destination) === key)) continue;
			let found = this.candidates.get(key);
			if (!found) this.candidates.set(key, (found = new Map()));
			found.set(task.taskId, task);
		}
		// Decide only once both lists were read and no task of the destination is still unreadable.
		if (this.sourcesRead.size < 2) return;
		const groups = new Map<string, Watch[]>();
		for (const watch of pending) {
			const key = placeKey(watch.url, watch.destination);
			groups.set(key, [...(groups.get(key) ?? []), watch]);
		}
		for (const [key, group] of groups) {
			const found = [...(this.candidates.get(key)?.values() ?? [])].filter((task) => !claimed.has(task.taskId));
			const unreadable = this.blankDestinations.has(group[0].destination);
			if (found.length > group.length) {
				const ids = found.map((task) => task.taskId).join(', ');
				for (const watch of group) {
					watch.finish(
						`Cloudreve did not return a task id for this link, and ${found.length} tasks in its lists have this link and destination (${ids}): the node cannot tell which one this is, so taskId is empty. Turn on "Skip Links Already Queued" to avoid adding a link twice.`,
					);
				}
			} else if (found.length === group.length && !unreadable) {
				if (group.length > 1 && found.some((task) => task.createdAt === '')) {
					const ids = found.map((task) => task.taskId).join(', ');
					for (const watch of group) watch.finish(`This execution added this link to this destination ${group.length} times (tasks ${ids}); Cloudreve 3.x does not say which is which, so taskId is empty.`);
					continue;
				}
				const ordered = [...found].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
				group.forEach((watch, index) => {
					watch.taskId = ordered[index].taskId;
					watch.task = ordered[index];
					watch.where = 'unknown';
					claimed.add(watch.taskId);
					if (!this.needsPolling(watch)) watch.finish();
				});
			}
		}
	}
}

const trackers = new WeakMap<CloudreveClient, TaskTracker>();

/** The execution's tracker: one per client, and there is one client per execution. */
export function trackerOf(context: IExecuteFunctions, client: CloudreveClient): TaskTracker {
	let tracker = trackers.get(client);
	if (!tracker) {
		tracker = new TaskTracker(async () => await client.api(), context.getExecutionCancelSignal?.());
		trackers.set(client, tracker);
	}
	return tracker;
}
