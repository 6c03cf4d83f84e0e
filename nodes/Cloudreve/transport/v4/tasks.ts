/**
 * Cloudreve 4.x offline-download tasks (wave2 §6, base doc §5.2): workflow tasks with hashids,
 * GET /workflow?category=downloading (every running task at once) and category=downloaded
 * (cursor pages, newest first), DELETE /workflow/download/<id>. 4.0.0 has no lookup of one
 * task: it is found in the lists.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Page, Task, TaskFilter, TaskStatus } from '../contract';
import { isoDate } from '../core/dates';
import { CloudreveError } from '../core/errors';
import { activePage, alreadyEnded, canceledTask, isFinal, joinDrivePath, numberOf, parseTaskPosition, progressOf, unknownTask } from '../core/tasks';
import type { Transport } from '../core/transport';
import { formatPath } from '../paths';
import { namesOfUri } from './entries';

/** page_size must be 10..100 (40001 otherwise); the downloading category ignores it. */
const MIN_PAGE = 10;
const MAX_PAGE = 100;

function statusOf(task: IDataObject, phase: string): TaskStatus {
	switch (task.status) {
		case 'queued':
			return 'queued';
		case 'processing':
		case 'suspending':
			if (phase === 'transfer') return 'transferring';
			if (phase === 'seeding') return 'seeding';
			return phase === 'monitor' ? 'downloading' : 'queued';
		case 'completed':
			return 'completed';
		case 'canceled':
			return 'canceled';
		default:
			return 'failed';
	}
}

/** A TaskResponse as a task; files land in props.dst joined with each selected file's name. */
export function fromTaskResponse(task: IDataObject): Task {
	const summary = (task.summary ?? {}) as IDataObject;
	const props = (summary.props ?? {}) as IDataObject;
	const download = (props.download ?? {}) as IDataObject;
	const phase = typeof summary.phase === 'string' ? summary.phase : '';
	const status = statusOf(task, phase);
	const destination = formatPath(namesOfUri(typeof props.dst === 'string' ? props.dst : ''));
	const files = (Array.isArray(download.files) ? (download.files as IDataObject[]) : []).filter((file) => file.selected !== false);
	const size = numberOf(download.total) || files.reduce((sum, file) => sum + numberOf(file.size), 0);
	const downloaded = status === 'completed' || status === 'transferring' ? size : numberOf(download.downloaded);
	const url = typeof props.src_str === 'string' && props.src_str !== '' ? props.src_str : typeof props.src === 'string' ? props.src : '';
	let error: string | null = null;
	if (status === 'failed' || status === 'canceled') {
		const message = [task.error, download.error_message].find((text) => typeof text === 'string' && text !== '');
		error = message === undefined ? (status === 'failed' ? 'Cloudreve reported an error' : null) : String(message);
	}
	return {
		taskId: String(task.id ?? ''),
		url,
		name: typeof download.name === 'string' && download.name !== '' ? download.name : '',
		destination,
		status,
		progress: progressOf(downloaded, size, status),
		size,
		downloaded,
		speed: status === 'downloading' ? numberOf(download.download_speed) : 0,
		error,
		// Files are in the drive once the transfer is done: completed, or seeding after it.
		files: status === 'completed' || status === 'seeding' ? files.map((file) => ({ path: joinDrivePath(destination, String(file.name ?? '')), size: numberOf(file.size) })) : [],
		createdAt: isoDate(task.created_at),
		updatedAt: isoDate(task.updated_at),
	};
}

async function readList(transport: Transport, category: 'downloading' | 'downloaded', pageSize: number, token?: string): Promise<{ tasks: Task[]; next?: string }> {
	let path = `/workflow?category=${category}&page_size=${pageSize}`;
	if (token) path += `&next_page_token=${encodeURIComponent(token)}`;
	const reply = await transport.request({ method: 'GET', path });
	if (reply.code !== 0) throw transport.failure(reply, 'request');
	const data = (reply.data ?? {}) as IDataObject;
	const tasks = (Array.isArray(data.tasks) ? (data.tasks as IDataObject[]) : []).map(fromTaskResponse);
	const pagination = (data.pagination ?? {}) as IDataObject;
	const next = typeof pagination.next_token === 'string' && pagination.next_token !== '' ? pagination.next_token : undefined;
	return { tasks, next };
}

const readActive = async (transport: Transport) => (await readList(transport, 'downloading', MAX_PAGE)).tasks;

export async function listTasks(transport: Transport, filter: TaskFilter, { limit, next }: { limit: number; next?: string }): Promise<Page<Task>> {
	const position = parseTaskPosition(filter, next);
	if (position.list === 'active') return activePage(await readActive(transport), filter, position.offset, limit);
	const pageSize = Math.max(MIN_PAGE, Math.min(Number.isFinite(limit) ? Math.floor(limit) : MAX_PAGE, MAX_PAGE));
	const page = await readList(transport, 'downloaded', pageSize, position.at || undefined);
	return page.next === undefined ? { items: page.tasks } : { items: page.tasks, next: `f:${page.next}` };
}

/** A task hashid, or a clear error for what is not one (a 3.x gid, a typo). */
function checkTaskId(taskId: string): string {
	const id = taskId.trim();
	if (/^[0-9a-f]{16}$/i.test(id)) {
		throw new CloudreveError(`"${id}" looks like a Cloudreve 3.x task id (an aria2 gid), but this server runs Cloudreve 4.x, whose task ids are short hashids such as "lkT2"`, {
			kind: 'config',
			description: 'Use the taskId that Add Offline Download or Get Many returned for this server.',
		});
	}
	if (!/^[A-Za-z0-9]{1,32}$/.test(id)) {
		throw new CloudreveError(`"${id}" is not a Cloudreve 4.x task id (a short hashid such as "lkT2")`, {
			kind: 'config',
			description: 'Use the taskId that Add Offline Download or Get Many returned.',
		});
	}
	return id;
}

async function findTask(transport: Transport, id: string): Promise<Task | undefined> {
	const active = (await readActive(transport)).find((task) => task.taskId === id);
	if (active) return active;
	let token: string | undefined;
	do {
		const page = await readList(transport, 'downloaded', MAX_PAGE, token);
		const found = page.tasks.find((task) => task.taskId === id);
		if (found) return found;
		token = page.next;
	} while (token !== undefined);
	return undefined;
}

export async function getTask(transport: Transport, taskId: string): Promise<Task> {
	const id = checkTaskId(taskId);
	const task = await findTask(transport, id);
	if (task === undefined) throw unknownTask(id);
	return task;
}

/** DELETE /workflow/download/<id>; 4.0.0 lists the task as canceled only on its next monitor pass (wave2 §10). */
export async function cancelTask(transport: Transport, taskId: string): Promise<Task> {
	const before = await getTask(transport, taskId);
	if (isFinal(before.status)) throw alreadyEnded(before);
	const reply = await transport.request({ method: 'DELETE', path: `/workflow/download/${encodeURIComponent(before.taskId)}` });
	if (reply.code === 404) throw unknownTask(before.taskId);
	if (reply.code !== 0) throw transport.failure(reply, 'request');
	return canceledTask(before, await findTask(transport, before.taskId));
}
