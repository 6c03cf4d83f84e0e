/**
 * Cloudreve 4.x entries: one by URI from GET /file/info, folders page by page from GET /file, and
 * search as a listing of a URI that carries the search in its own query (wave2 §1.2, §7.1).
 * A FileResponse becomes the Entry that both generations output.
 */
import type { IDataObject } from 'n8n-workflow';

import type { DrivePath, Entry, EntryType, ListOptions, Page } from '../contract';
import { isoDate } from '../core/dates';
import { CloudreveError } from '../core/errors';
import type { Envelope } from '../core/http';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath, toFileUri } from '../paths';

const PATH_NOT_EXIST = 40016;

/** Metadata of the placeholder of an upload still running; 4.x lists them, unlike 3.x (wave2 §1.2). */
const UPLOAD_SESSION_KEY = 'sys:upload_session_id';

/** page_size: 4.0 betas refuse less than 10, and more than max_page_size (default 2000) is clamped (wave2 §1.2). */
const MIN_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 2000;

function decodeSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/**
 * The names of a File URI. The server escapes segments like JS encodeURI (fs/uri.go PathEscape),
 * so "#", "&" or "+" may stay raw in a name; only "?" starts a query, as no name may contain one.
 */
export function namesOfUri(uri: string): string[] {
	const path = uri.split('?')[0].replace(/^cloudreve:\/\/[^/]*/, '');
	return path
		.split('/')
		.filter((segment) => segment !== '')
		.map(decodeSegment);
}

/** The URI of an entry: its own when it came from 4.x, else built from its path. */
export function uriOfEntry(entry: Entry): string {
	return typeof entry.uri === 'string' && entry.uri !== '' ? entry.uri : toFileUri(entry.path.split('/').filter((name) => name !== ''));
}

/** A folder's URI for a listing with a query: the root needs its slash ("cloudreve://my/?name=…"). */
function folderUri(folder: FolderPath): string {
	return folder.length === 0 ? 'cloudreve://my/' : toFileUri(folder);
}

/** RFC 3339 from Go (nanoseconds, zone offsets) as ISO 8601 in UTC; anything unreadable stays as it is. */
/** A FileResponse (type 0 file, 1 folder; path a cloudreve://my URI) as an Entry. */
export function toEntry(file: IDataObject): Entry {
	const uri = typeof file.path === 'string' ? file.path : '';
	const names = namesOfUri(uri);
	const createdAt = isoDate(file.created_at);
	return {
		name: typeof file.name === 'string' ? file.name : (names[names.length - 1] ?? ''),
		path: formatPath(names),
		type: file.type === 1 ? 'folder' : 'file',
		size: typeof file.size === 'number' ? file.size : Number(file.size ?? 0) || 0,
		createdAt,
		updatedAt: isoDate(file.updated_at) || createdAt,
		id: typeof file.id === 'string' ? file.id : String(file.id ?? ''),
		uri,
	};
}

function isUploadPlaceholder(file: IDataObject): boolean {
	const metadata = file.metadata as IDataObject | null | undefined;
	return typeof metadata === 'object' && metadata !== null && metadata[UPLOAD_SESSION_KEY] !== undefined;
}

function infoRequest(path: DrivePath) {
	return { method: 'GET' as const, path: `/file/info?uri=${encodeURIComponent(toFileUri(path))}` };
}

export async function getEntry(transport: Transport, path: DrivePath): Promise<Entry> {
	const reply = await transport.request(infoRequest(path));
	if (reply.code !== 0) throw transport.failure(reply, 'read');
	return toEntry((reply.data ?? {}) as IDataObject);
}

/** The entry at `path`, or undefined when there is none (40016); other failures are errors. */
export async function findEntry(transport: Transport, path: DrivePath): Promise<Entry | undefined> {
	const reply = await transport.request(infoRequest(path));
	if (reply.code === PATH_NOT_EXIST) return undefined;
	if (reply.code !== 0) throw transport.failure(reply, 'read');
	return toEntry((reply.data ?? {}) as IDataObject);
}

// ---------------------------------------------------------------- pages

/**
 * Where the next page starts. Cursor mode (the default) hands out a token; an admin may switch to
 * offset mode, which counts pages from 0 and reports total_items instead (wave2 §1.2). `next`
 * says which: "c:<token>" or "p:<page>". Anything else is taken as a bare token.
 */
type Position = { token: string } | { page: number };

function parsePosition(next: string | undefined): Position | undefined {
	if (next === undefined || next === '') return undefined;
	if (next.startsWith('p:') && /^\d+$/.test(next.slice(2))) return { page: Number(next.slice(2)) };
	return { token: next.startsWith('c:') ? next.slice(2) : next };
}

function nextPosition(pagination: IDataObject | undefined, pageSize: number): string | undefined {
	if (!pagination) return undefined;
	if (typeof pagination.next_token === 'string' && pagination.next_token !== '') return `c:${pagination.next_token}`;
	if (pagination.is_cursor === true) return undefined;
	const total = Number(pagination.total_items);
	const page = Number(pagination.page ?? 0);
	const size = Number(pagination.page_size ?? pageSize);
	if (!Number.isFinite(total) || !Number.isFinite(page) || !(size > 0)) return undefined;
	return (page + 1) * size < total ? `p:${page + 1}` : undefined;
}

export function pageSizeFor(limit: number): number {
	const wanted = Number.isFinite(limit) ? Math.floor(limit) : MAX_PAGE_SIZE;
	return Math.max(MIN_PAGE_SIZE, Math.min(wanted, MAX_PAGE_SIZE));
}

/** The request for one page of `uri` (a folder, or a folder with a search query). */
export function pageRequest(uri: string, pageSize: number, next?: string) {
	const position = parsePosition(next);
	let path = `/file?uri=${encodeURIComponent(uri)}&page_size=${pageSize}`;
	if (position && 'token' in position) path += `&next_page_token=${encodeURIComponent(position.token)}`;
	if (position && 'page' in position) path += `&page=${position.page}`;
	return { method: 'GET' as const, path };
}

/** A page of a listing reply: entries of the wanted type, without upload placeholders. */
function pageOf(reply: Envelope, type: EntryType | 'any', pageSize: number): Page<Entry> {
	const data = (reply.data ?? {}) as IDataObject;
	const files = Array.isArray(data.files) ? (data.files as IDataObject[]) : [];
	const pagination = data.pagination as IDataObject | undefined;
	const entries = files.filter((file) => !isUploadPlaceholder(file)).map(toEntry);
	let next = nextPosition(pagination, pageSize);
	// Cursor pages list every folder before any file (wave2 §1.2 "Order"): once a file shows, no
	// folder can follow, so a folders-only listing is complete.
	if (type === 'folder' && pagination?.is_cursor === true && files.some((file) => file.type !== 1)) next = undefined;
	const items = type === 'any' ? entries : entries.filter((entry) => entry.type === type);
	return next === undefined ? { items } : { items, next };
}

/**
 * One page of `folder`. A page holds at least 10 entries whatever the limit (the server's minimum)
 * and may hold fewer than asked once filtered by type: the caller cuts and continues with `next`.
 */
export async function listFolder(transport: Transport, folder: FolderPath, { type, limit, next }: ListOptions): Promise<Page<Entry>> {
	const pageSize = pageSizeFor(limit);
	const reply = await transport.request(pageRequest(toFileUri(folder), pageSize, next));
	if (reply.code !== 0) throw transport.failure(reply, 'read');
	// The URI of a file lists that file alone, as the web UI shows a shared file.
	if ((reply.data as IDataObject | undefined)?.single_file_view === true) {
		throw new CloudreveError(`${formatPath(folder)} is a file, not a folder`, { description: 'Enter the path of a folder.', kind: 'api' });
	}
	return pageOf(reply, type, pageSize);
}

/**
 * Names containing `query` below `folder`, recursively: the search goes in the URI's own query,
 * and the whole URI is then encoded once more as the value of ?uri= (wave2 §7.1). The server
 * treats a "*" in the query as a wildcard. Each hit's path is its real one.
 */
export async function search(transport: Transport, query: string, folder: FolderPath, { type, limit, next }: ListOptions): Promise<Page<Entry>> {
	const typeFilter = type === 'any' ? '' : `&type=${type}`;
	const uri = `${folderUri(folder)}?name=${encodeURIComponent(query)}&case_folding${typeFilter}`;
	const pageSize = pageSizeFor(limit);
	const reply = await transport.request(pageRequest(uri, pageSize, next));
	if (reply.code !== 0) throw transport.failure(reply, 'read');
	return pageOf(reply, type, pageSize);
}
