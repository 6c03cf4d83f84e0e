/**
 * What both generations' task modules share: which statuses are final, paging of the active
 * list (returned whole by both generations and cut here), the words for a cancel Cloudreve has
 * accepted but not shown yet, and errors that name the task.
 */
import type { Page, Task, TaskFilter, TaskStatus } from '../contract';
import { CloudreveError } from './errors';

/** A task in one of these states will not change any more. */
export const FINAL_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'canceled'];

export const isFinal = (status: TaskStatus) => FINAL_STATUSES.includes(status);

/** A number from JSON that may come as a string (aria2 sends every number as text). */
export function numberOf(value: unknown): number {
	const number = typeof value === 'number' ? value : Number(value ?? 0);
	return Number.isFinite(number) ? number : 0;
}

export function progressOf(downloaded: number, size: number, status: TaskStatus): number {
	if (status === 'completed') return 1;
	if (size <= 0) return 0;
	return Math.min(1, Math.max(0, downloaded / size));
}

/** "/a/b" + "c/d.bin" → "/a/b/c/d.bin". */
export function joinDrivePath(folder: string, relative: string): string {
	const tail = relative.split('/').filter((name) => name !== '' && name !== '.');
	return `${folder === '/' ? '' : folder.replace(/\/+$/, '')}/${tail.join('/')}`;
}

/**
 * Where a listing of one filter continues: "a:<offset>" in the active list (both generations
 * return it whole), "f:<position>" in the finished list (its own page or cursor).
 */
export type TaskPosition = { list: 'active'; offset: number } | { list: 'finished'; at: string };

export function parseTaskPosition(filter: TaskFilter, next: string | undefined): TaskPosition {
	if (next !== undefined && next.startsWith('f:')) return { list: 'finished', at: next.slice(2) };
	if (next !== undefined && next.startsWith('a:')) return { list: 'active', offset: Number(next.slice(2)) || 0 };
	return filter === 'finished' ? { list: 'finished', at: '' } : { list: 'active', offset: 0 };
}

/** One page cut from the whole active list; with 'all', the finished list follows. */
export function activePage(tasks: Task[], filter: TaskFilter, offset: number, limit: number): Page<Task> {
	const items = tasks.slice(offset, offset + Math.max(1, limit));
	const end = offset + items.length;
	if (end < tasks.length) return { items, next: `a:${end}` };
	return filter === 'all' ? { items, next: 'f:' } : { items };
}

export function unknownTask(taskId: string): CloudreveError {
	return new CloudreveError(`No offline download with the id "${taskId}" on this Cloudreve server`, {
		kind: 'api',
		description: 'It may have been deleted, or belong to another account. Get Many lists the offline downloads this account can see.',
	});
}

export function alreadyEnded(task: Task): CloudreveError {
	return new CloudreveError(`The offline download "${task.taskId}" (${task.name || task.url}) already ended (${task.status}); there is nothing to cancel`, {
		kind: 'api',
		description: 'Only queued, downloading, transferring or seeding tasks can be canceled.',
		details: { ...task },
	});
}

/** The task after a cancel that Cloudreve accepted; its lists may show it only on the next check of the task. */
export function canceledTask(before: Task, after: Task | undefined): Task & { note?: string } {
	if (after !== undefined && isFinal(after.status)) return after;
	return {
		...(after ?? before),
		status: 'canceled',
		speed: 0,
		note: 'Cloudreve accepted the cancel; its task list shows it once the server has checked the task again (on Cloudreve 4.x up to about a minute).',
	};
}
