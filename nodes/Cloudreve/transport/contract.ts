/**
 * What operations see: the domain types, in the node's output field names, and the API that
 * each generation's folder implements (v3/, v4/). Nothing here knows an endpoint.
 */
import type { FolderPath } from './paths';

export { CloudreveError } from './core/errors';

/** A path in the drive as a list of names; [] is the root. Files and folders alike. */
export type DrivePath = FolderPath;

export type EntryType = 'file' | 'folder';

/** A file or folder, the same shape on both generations. */
export interface Entry {
	[key: string]: string | number | boolean | undefined;
	name: string;
	/** Full path, "/a/b". */
	path: string;
	type: EntryType;
	size: number;
	/** ISO 8601. */
	createdAt: string;
	updatedAt: string;
	id: string;
	/** 4.x only: the cloudreve://my URI. */
	uri?: string;
}

export interface CreatedFolder {
	[key: string]: string | undefined;
	path: string;
	id?: string;
	uri?: string;
	name?: string;
}

/** One URL of an Add Offline Download item, as the node outputs it. */
export interface UrlResult {
	[key: string]: string | number | undefined;
	url: string;
	status: 'queued' | 'failed';
	taskId?: string;
	error?: string;
	code?: number;
}

/** One page of a listing; `next` continues it (an opaque token), absent on the last page. */
export interface Page<T> {
	items: T[];
	next?: string;
}

export interface ListOptions {
	type: EntryType | 'any';
	/** Entries wanted at most; the generation picks its page size from it. */
	limit: number;
	next?: string;
}

/** The bytes of a file to upload, read in pieces so that large files never sit in memory. */
export interface UploadSource {
	size: number;
	mimeType: string;
	/** The bytes in order, in pieces of any size (`pieceSize` is a hint); callable once. */
	read(pieceSize: number): Promise<AsyncIterable<Buffer>>;
	/**
	 * True when every piece is a fresh Buffer that nothing else holds once it is handed over (a
	 * stream from n8n's binary store): the reader may then free each piece's memory as soon as it
	 * has copied it.
	 */
	piecesAreFresh?: boolean;
}

/** What to do when the target name exists: fail, overwrite it, or leave it and skip. */
export type ConflictRule = 'error' | 'replace' | 'skip';

export interface UploadedFile extends Entry {
	skipped?: boolean;
}

/** A file's bytes as a stream, to hand to n8n's binary store. */
export interface FileDownload {
	entry: Entry;
	/** A readable stream of the file's bytes. */
	body: AsyncIterable<Buffer>;
	mimeType?: string;
}

/** Where an offline download stands, the same words on both generations. */
export type TaskStatus = 'queued' | 'downloading' | 'transferring' | 'seeding' | 'completed' | 'failed' | 'canceled';

/** An offline download, the same shape on both generations. */
export interface Task {
	[key: string]: string | number | null | Array<{ path: string; size: number }> | undefined;
	/** 3.x: the aria2 gid; 4.x: the task's hashid. */
	taskId: string;
	url: string;
	name: string;
	/** The folder the files go to, "/a/b". */
	destination: string;
	status: TaskStatus;
	/** 0..1. */
	progress: number;
	size: number;
	downloaded: number;
	/** Bytes per second. */
	speed: number;
	error: string | null;
	/** Where each file landed in the drive (full paths). */
	files: Array<{ path: string; size: number }>;
	createdAt: string;
	updatedAt: string;
}

export type TaskFilter = 'active' | 'finished' | 'all';

export interface ShareOptions {
	password?: string;
	/** Seconds from now. */
	expiresIn?: number;
	downloadLimit?: number;
	allowPreview: boolean;
}

/** A share link just made. The password is here only where the user set it or Cloudreve made one. */
export interface CreatedShare {
	[key: string]: string | number | undefined;
	id: string;
	url: string;
	path: string;
	password?: string;
	expiresAt?: string;
	downloadLimit?: number;
}

export interface Share {
	[key: string]: string | number | boolean | undefined;
	id: string;
	url: string;
	name: string;
	type: EntryType;
	views: number;
	downloads: number;
	downloadsLeft?: number;
	expiresAt?: string;
	expired: boolean;
	hasPassword: boolean;
	createdAt: string;
}

/** Bytes. */
export interface StorageUse {
	[key: string]: number;
	used: number;
	total: number;
	free: number;
}

export interface CloudreveApi {
	createFolder(folder: FolderPath, options: { errorIfExists: boolean }): Promise<CreatedFolder>;
	addOfflineDownloads(urls: string[], destination: FolderPath): Promise<UrlResult[]>;

	/** The entry at `path`; a clear error when there is none. */
	getEntry(path: DrivePath): Promise<Entry>;
	listFolder(folder: FolderPath, options: ListOptions): Promise<Page<Entry>>;
	/** Entries whose name contains `query`, anywhere below `folder`, each with its real path. */
	search(query: string, folder: FolderPath, options: ListOptions): Promise<Page<Entry>>;

	upload(folder: FolderPath, name: string, source: UploadSource, options: { conflict: ConflictRule }): Promise<UploadedFile>;
	download(file: Entry): Promise<FileDownload>;

	copy(entry: Entry, destination: FolderPath): Promise<Entry>;
	move(entry: Entry, destination: FolderPath): Promise<Entry>;
	rename(entry: Entry, newName: string): Promise<Entry>;
	/** 4.x moves to the trash unless `permanent`; 3.x has no trash and always deletes. */
	remove(entry: Entry, options: { permanent: boolean }): Promise<void>;
	/** An absolute, shareable URL to the file's bytes. */
	getDirectLink(file: Entry): Promise<string>;

	listTasks(filter: TaskFilter, options: { limit: number; next?: string }): Promise<Page<Task>>;
	getTask(taskId: string): Promise<Task>;
	/** Cancels a running download; returns the task as it ended. */
	cancelTask(taskId: string): Promise<Task>;

	createShare(entry: Entry, options: ShareOptions): Promise<CreatedShare>;
	listShares(options: { limit: number; next?: string }): Promise<Page<Share>>;
	deleteShare(shareId: string): Promise<void>;
	getStorage(): Promise<StorageUse>;
}
