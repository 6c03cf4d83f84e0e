/**
 * Cloudreve 3.x offline-download tasks (wave2 §6, base doc §5.1): aria2 gids, GET
 * /aria2/downloading (whole) and /aria2/finished?page=N (10 per page, newest update first),
 * DELETE /aria2/task/<gid>. There is no lookup of one task: it is found in the lists.
 *
 * A download counts as completed only when aria2 is done (status 4) and so is the transfer into
 * the drive (task_status 4); files[].path is relative to dst.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Page, Task, TaskFilter, TaskStatus } from '../contract';
import { isoDate } from '../core/dates';
import { CloudreveError } from '../core/errors';
import type { Envelope } from '../core/http';
import type { TaskPosition } from '../core/tasks';
import { activePage, alreadyEnded, canceledTask, isFinal, joinDrivePath, numberOf, parseTaskPosition, progressOf, unknownTask } from '../core/tasks';
import type { Transport } from '../core/transport';

/** The finished list's fixed page size. */
const FINISHED_PAGE = 10;

/** Pages of the finished list read one by one before a look-up reads it whole. */
const PAGES_BEFORE_WHOLE = 3;

const GID = /^[0-9a-f]{16}$/i;

/** Transfer task states (pkg/task/job.go): -1 none yet, 0 queued, 1 processing, 2 error, 3 canceled, 4 complete. */
const TRANSFER_ERROR = 2;
const TRANSFER_CANCELED = 3;
const TRANSFER_DONE = 4;

/** 3.0 sent unix seconds, later versions RFC 3339. */
function timeOf(value: unknown): string {
	if (typeof value === 'number' && value > 0) return new Date(value * 1000).toISOString();
	return isoDate(value);
}

function statusOf(record: IDataObject): { status: TaskStatus; error: string | null } {
	const error = typeof record.error === 'string' && record.error !== '' ? record.error : null;
	switch (numberOf(record.status)) {
		case 0:
		case 2: // Paused: waits like a queued task
			return { status: 'queued', error: null };
		case 1:
			return { status: 'downloading', error: null };
		case 3:
			return { status: 'failed', error: error ?? 'aria2 reported an error' };
		case 4: {
			const transfer = record.task_status === undefined ? TRANSFER_DONE : numberOf(record.task_status);
			const taskError = typeof record.task_error === 'string' && record.task_error !== '' ? record.task_error : null;
			if (transfer === TRANSFER_DONE) return { status: 'completed', error: null };
			if (transfer === TRANSFER_ERROR) return { status: 'failed', error: taskError ?? 'The transfer into the drive failed' };
			if (transfer === TRANSFER_CANCELED) return { status: 'canceled', error: taskError };
			return { status: 'transferring', error: null };
		}
		case 5:
			return { status: 'canceled', error };
		case 7:
			return { status: 'seeding', error: null };
		default:
			return { status: 'failed', error: error ?? 'Cloudreve reports the state of this task as unknown' };
	}
}

/** The link: the first file's URI (empty until Cloudreve's first status poll of the task), or the magnet of a torrent. */
function linkOf(info: IDataObject): string {
	const files = Array.isArray(info.files) ? (info.files as IDataObject[]) : [];
	for (const file of files) {
		const uris = Array.isArray(file.uris) ? (file.uris as IDataObject[]) : [];
		const uri = uris.find((candidate) => typeof candidate.uri === 'string' && candidate.uri !== '');
		if (uri) return String(uri.uri);
	}
	return typeof info.infoHash === 'string' && info.infoHash !== '' ? `magnet:?xt=urn:btih:${info.infoHash}` : '';
}

/** A record of GET /aria2/downloading as a task. */
export function fromDownloading(record: IDataObject): Task {
	const info = (record.info ?? {}) as IDataObject;
	const { status } = statusOf(record);
	const size = numberOf(record.total ?? info.totalLength);
	const downloaded = numberOf(record.downloaded ?? info.completedLength);
	const updated = timeOf(record.update);
	return {
		taskId: String(info.gid ?? ''),
		url: linkOf(info),
		name: String(record.name ?? ''),
		destination: String(record.dst ?? ''),
		status,
		progress: progressOf(downloaded, size, status),
		size,
		downloaded,
		speed: numberOf(record.speed ?? info.downloadSpeed),
		error: typeof info.errorMessage === 'string' && info.errorMessage !== '' ? info.errorMessage : null,
		files: [],
		// The downloading list has no creation time.
		createdAt: '',
		updatedAt: updated,
	};
}

/** A record of GET /aria2/finished as a task; files land at dst + files[].path. */
export function fromFinished(record: IDataObject): Task {
	const { status, error } = statusOf(record);
	const destination = String(record.dst ?? '');
	const files = (Array.isArray(record.files) ? (record.files as IDataObject[]) : []).filter((file) => String(file.selected ?? 'true') !== 'false');
	const size = numberOf(record.total) || files.reduce((sum, file) => sum + numberOf(file.length), 0);
	const downloaded = status === 'completed' || status === 'transferring' ? size : files.reduce((sum, file) => sum + numberOf(file.completedLength), 0);
	return {
		taskId: String(record.gid ?? ''),
		url: linkOf({ files }),
		name: String(record.name ?? ''),
		destination,
		status,
		progress: progressOf(downloaded, size, status),
		size,
		downloaded,
		speed: 0,
		error,
		files: status === 'completed' ? files.map((file) => ({ path: joinDrivePath(destination, String(file.path ?? '')), size: numberOf(file.length) })) : [],
		createdAt: timeOf(record.create),
		updatedAt: timeOf(record.update),
	};
}

function recordsOf(reply: Envelope): IDataObject[] {
	return Array.isArray(reply.data) ? (reply.data as IDataObject[]) : [];
}

async function readActive(transport: Transport): Promise<Task[]> {
	const reply = await transport.request({ method: 'GET', path: '/aria2/downloading' });
	if (reply.code !== 0) throw transport.failure(reply, 'request');
	return recordsOf(reply).map(fromDownloading);
}

/** One page of the finished list (1-based), or the whole list with page 0. */
async function readFinished(transport: Transport, page: number): Promise<Task[]> {
	const reply = await transport.request({ method: 'GET', path: page > 0 ? `/aria2/finished?page=${page}` : '/aria2/finished' });
	if (reply.code !== 0) throw transport.failure(reply, 'request');
	return recordsOf(reply).map(fromFinished);
}

/**
 * A page of tasks. The active list comes whole and is cut here; the finished list comes 10 per
 * page, or whole when `limit` is Infinity (one request for a snapshot of everything).
 */
export async function listTasks(transport: Transport, filter: TaskFilter, { limit, next }: { limit: number; next?: string }): Promise<Page<Task>> {
	const position: TaskPosition = parseTaskPosition(filter, next);
	if (position.list === 'active') return activePage(await readActive(transport), filter, position.offset, limit);
	if (limit === Infinity && position.at === '') return { items: await readFinished(transport, 0) };
	const page = Number(position.at) || 1;
	const items = await readFinished(transport, page);
	return items.length >= FINISHED_PAGE ? { items, next: `f:${page + 1}` } : { items };
}

/** A gid, or a clear error for what is not one (a 4.x task id, a typo). */
function checkGid(taskId: string): string {
	const id = taskId.trim();
	if (GID.test(id)) return id.toLowerCase();
	if (/^[A-Za-z0-9]{1,15}$/.test(id)) {
		throw new CloudreveError(`"${id}" looks like a Cloudreve 4.x task id, but this server runs Cloudreve 3.x, whose task ids are 16-character aria2 gids such as "66aa3a1e63a32298"`, {
			kind: 'config',
			description: 'Use the taskId that Add Offline Download or Get Many returned for this server.',
		});
	}
	throw new CloudreveError(`"${id}" is not a Cloudreve 3.x task id (a 16-character aria2 gid such as "66aa3a1e63a32298")`, {
		kind: 'config',
		description: 'Use the taskId that Add Offline Download or Get Many returned.',
	});
}

async function findTask(transport: Transport, gid: string): Promise<Task | undefined> {
	const active = (await readActive(transport)).find((task) => task.taskId.toLowerCase() === gid);
	if (active) return active;
	for (let page = 1; page <= PAGES_BEFORE_WHOLE; page++) {
		const items = await readFinished(transport, page);
		const found = items.find((task) => task.taskId.toLowerCase() === gid);
		if (found) return found;
		if (items.length < FINISHED_PAGE) return undefined;
	}
	return (await readFinished(transport, 0)).find((task) => task.taskId.toLowerCase() === gid);
}

export async function getTask(transport: Transport, taskId: string): Promise<Task> {
	const gid = checkGid(taskId);
	const task = await findTask(transport, gid);
	if (task === undefined) throw unknownTask(gid);
	return task;
}

/**
 * DELETE /aria2/task/<gid> cancels a running task but deletes the record of an ended one, so an
 * ended task is refused here before anything is sent.
 */
export async function cancelTask(transport: Transport, taskId: string): Promise<Task> {
	const before = await getTask(transport, taskId);
	if (isFinal(before.status)) throw alreadyEnded(before);
	const reply = await transport.request({ method: 'DELETE', path: `/aria2/task/${encodeURIComponent(before.taskId)}` });
	if (reply.code === 404) throw unknownTask(before.taskId);
	if (reply.code !== 0) throw transport.failure(reply, 'request');
	return canceledTask(before, await findTask(transport, before.taskId.toLowerCase()));
}
