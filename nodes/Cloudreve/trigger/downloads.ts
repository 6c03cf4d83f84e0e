/**
 * "Offline Download Finished": one item per task that reached completed, failed or canceled
 * since the last poll, oldest first, each once.
 *
 * Neither generation has a "changed since" query (wave2 §6): each poll reads the active list and
 * the newest pages of the finished list. 3.x sorts that list by last update, 4.x by creation, so
 * a task is new when (a) it was active at the last poll and has ended now, wherever it sits in
 * the list, or (b) its last update is at or above the floor and its id was not seen. The scan
 * stops once every task active at the last poll is found and an entry older than the floor came
 * by. 3.x tasks whose transfer into the drive is still running sit in the finished list as
 * "transferring": they count as active.
 */
import type { CloudreveApi, Task, TaskStatus } from '../transport/contract';
import type { Seen } from './seen';
import { advanceSeen, seenSet, timeOf } from './seen';

export const FINISHED: TaskStatus[] = ['completed', 'failed', 'canceled'];

const isFinished = (task: Task) => FINISHED.includes(task.status);

/** Late-arriving updates within this window of the newest one still fire once. */
const MARGIN_MS = 10 * 60_000;

/** Ids kept above the floor, and active ids kept: the state stays a few tens of KB at most. */
const SEEN_CAP = 1000;
const ACTIVE_CAP = 2000;

/** Pages of the finished list read in one poll at most (3.x: 10 per page, 4.x: 100). */
const MAX_PAGES = 1000;
const PAGE = 100;

/** Tasks shown by a manual test run ("Fetch Test Event"). */
const SAMPLE = 5;

export interface DownloadState extends Seen {
	/** Which server the ids belong to; another server starts over. */
	server: string;
	/** Ids of tasks not ended at the last poll. */
	active: string[];
}

export interface PollResult<T> {
	items: T[];
	state: DownloadState;
}

const byUpdate = (a: Task, b: Task) => timeOf(a.updatedAt) - timeOf(b.updatedAt);

async function readActive(api: CloudreveApi): Promise<Task[]> {
	return (await api.listTasks('active', { limit: Infinity })).items;
}

/** The first poll: where things stand. Nothing is emitted. */
export async function baseline(api: CloudreveApi, server: string): Promise<DownloadState> {
	const active = await readActive(api);
	const page = (await api.listTasks('finished', { limit: PAGE })).items;
	const finished = page.filter(isFinished);
	const newest = Math.max(0, ...finished.map((task) => timeOf(task.updatedAt)));
	const ids = finished.filter((task) => timeOf(task.updatedAt) >= newest).map((task): [string, number] => [task.taskId, timeOf(task.updatedAt)]);
	return {
		server,
		floor: newest,
		newest,
		ids,
		active: [...active, ...page.filter((task) => !isFinished(task))].map((task) => task.taskId).slice(0, ACTIVE_CAP),
	};
}

/** A later poll: the tasks that ended since `state`, and the state to keep. */
export async function finishedSince(api: CloudreveApi, state: DownloadState): Promise<PollResult<Task>> {
	const active = await readActive(api);
	const activeNow = new Set(active.map((task) => task.taskId));
	const wasActive = new Set(state.active);
	const missing = new Set(state.active.filter((id) => !activeNow.has(id)));
	const scanned: Task[] = [];
	let next: string | undefined;
	let pages = 0;
	let reachedOld = false;
	do {
		const page = await api.listTasks('finished', { limit: PAGE, next });
		for (const task of page.items) {
			scanned.push(task);
			missing.delete(task.taskId);
			if (isFinished(task) && timeOf(task.updatedAt) < state.floor && !wasActive.has(task.taskId)) reachedOld = true;
		}
		next = page.next;
		pages++;
	} while (next !== undefined && pages < MAX_PAGES && (missing.size > 0 || !reachedOld));

	const seen = seenSet(state);
	const emitted = new Set<string>();
	const items: Task[] = [];
	for (const task of scanned) {
		if (!isFinished(task) || emitted.has(task.taskId)) continue;
		const fresh = wasActive.has(task.taskId) || (timeOf(task.updatedAt) >= state.floor && !seen.has(task.taskId));
		if (!fresh) continue;
		emitted.add(task.taskId);
		items.push(task);
	}
	items.sort(byUpdate);
	const finishedNow = scanned.filter((task) => isFinished(task)).map((task): [string, number] => [task.taskId, timeOf(task.updatedAt)]);
	const stillActive = [...active, ...scanned.filter((task) => !isFinished(task))].map((task) => task.taskId);
	return {
		items,
		state: {
			server: state.server,
			...advanceSeen(state, finishedNow, MARGIN_MS, SEEN_CAP),
			active: [...new Set(stillActive)].slice(0, ACTIVE_CAP),
		},
	};
}

/** "Fetch Test Event": the most recent finished tasks, oldest first; the state is not touched. */
export async function recentFinished(api: CloudreveApi, statuses: TaskStatus[]): Promise<Task[]> {
	const page = (await api.listTasks('finished', { limit: PAGE })).items;
	return page
		.filter((task) => isFinished(task) && statuses.includes(task.status))
		.sort(byUpdate)
		.slice(-SAMPLE);
}
