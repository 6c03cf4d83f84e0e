/**
 * Cloudreve 3.x entries: a folder comes back whole from GET /directory<path>; there is no lookup
 * by path, so one entry is found in its parent's listing; objects are then addressed by id
 * (wave2 §1.1). Search answers every file with path "/", so each hit's real folder is asked of
 * /object/property (wave2 §7.1).
 */
import type { IDataObject } from 'n8n-workflow';

import type { DrivePath, Entry, ListOptions, Page } from '../contract';
import { isoDate } from '../core/dates';
import { CloudreveError } from '../core/errors';
import { versionAtLeast } from '../core/server';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath, splitPath } from '../paths';
import { directoryRoute } from './folders';

/** What a listing tells besides the entries: the storage policy uploads into this folder use. */
export interface FolderListing {
	entries: Entry[];
	/** From 3.5.0; absent before. */
	policy?: { id: string; type: string; maxSize: number };
}

/** A listing object as an entry; `folder` is where it really is (search lies about it). */
export function toEntry(object: IDataObject, folder: FolderPath): Entry {
	const name = String(object.name ?? '');
	// From 3.5.0 `date` is the modification time and `create_date` the creation; before, `date` is the creation.
	const created = isoDate(object.create_date ?? object.date);
	return {
		name,
		path: formatPath([...folder, name]),
		type: object.type === 'dir' ? 'folder' : 'file',
		size: typeof object.size === 'number' ? object.size : Number(object.size ?? 0),
		createdAt: created,
		updatedAt: isoDate(object.date) || created,
		id: String(object.id ?? ''),
	};
}

export async function readFolder(transport: Transport, folder: FolderPath): Promise<FolderListing> {
	const reply = await transport.request({ method: 'GET', path: directoryRoute(folder) });
	if (reply.code !== 0) throw transport.failure(reply, 'read');
	const data = (reply.data ?? {}) as IDataObject;
	const objects = Array.isArray(data.objects) ? (data.objects as IDataObject[]) : [];
	const policy = data.policy as IDataObject | undefined;
	return {
		entries: objects.map((object) => toEntry(object, folder)),
		policy: policy ? { id: String(policy.id ?? ''), type: String(policy.type ?? ''), maxSize: Number(policy.max_size ?? 0) } : undefined,
	};
}

/** A clear "not found" for a path whose parent exists but holds no such name. */
export function missing(path: DrivePath): CloudreveError {
	return new CloudreveError(`${formatPath(path)} does not exist`, {
		kind: 'api',
		description: 'Check the path; paths are written like /Downloads/report.pdf. A previous node may have moved or renamed it.',
	});
}

export async function getEntry(transport: Transport, path: DrivePath): Promise<Entry> {
	const { parent, name } = splitPath(path);
	const { entries } = await readFolder(transport, parent);
	const entry = entries.find((candidate) => candidate.name === name);
	if (entry === undefined) throw missing(path);
	return entry;
}

/** 3.x answers a folder whole: pages are cut here, `next` is the offset. */
export function pageOf(entries: Entry[], { type, limit, next }: ListOptions): Page<Entry> {
	const wanted = type === 'any' ? entries : entries.filter((entry) => entry.type === type);
	const start = Number(next ?? 0) || 0;
	const items = wanted.slice(start, start + limit);
	const end = start + items.length;
	return { items, next: end < wanted.length ? String(end) : undefined };
}

export async function listFolder(transport: Transport, folder: FolderPath, options: ListOptions): Promise<Page<Entry>> {
	return pageOf((await readFolder(transport, folder)).entries, options);
}

/** The folder a search hit really is in: /object/property/<id>?trace_root=true gives the file's parent. */
async function realFolder(transport: Transport, id: string): Promise<FolderPath> {
	const reply = await transport.request({ method: 'GET', path: `/object/property/${encodeURIComponent(id)}?trace_root=true&is_folder=false` });
	if (reply.code !== 0) throw transport.failure(reply, 'read');
	const path = String(((reply.data ?? {}) as IDataObject).path ?? '/');
	return path.split('/').filter((name) => name !== '');
}

function isBelow(entry: Entry, folder: FolderPath): boolean {
	const prefix = formatPath(folder);
	return prefix === '/' || entry.path.startsWith(`${prefix}/`);
}

/**
 * GET /file/search/keywords/<query>: files only, recursive; the scope (`?path=`) exists from
 * 3.5.3, before it the hits are filtered here by their real paths.
 */
export async function search(transport: Transport, query: string, folder: FolderPath, options: ListOptions): Promise<Page<Entry>> {
	if (options.type === 'folder') return { items: [] };
	const scoped = versionAtLeast(transport.server.version, '3.5.3');
	const scope = scoped && folder.length > 0 ? `?path=${encodeURIComponent(formatPath(folder))}` : '';
	const reply = await transport.request({ method: 'GET', path: `/file/search/keywords/${encodeURIComponent(query)}${scope}` });
	if (reply.code !== 0) throw transport.failure(reply, 'read');
	const objects = (((reply.data ?? {}) as IDataObject).objects ?? []) as IDataObject[];
	const files = objects.filter((object) => object.type !== 'dir');
	// Only the hits of the page asked for get their paths looked up (one request each).
	const start = Number(options.next ?? 0) || 0;
	const items: Entry[] = [];
	let position = start;
	for (; position < files.length && items.length < options.limit; position++) {
		const entry = toEntry(files[position], await realFolder(transport, String(files[position].id)));
		if (scoped || isBelow(entry, folder)) items.push(entry);
	}
	return { items, next: position < files.length ? String(position) : undefined };
}
