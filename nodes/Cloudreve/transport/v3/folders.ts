/** Cloudreve 3.x folders: PUT /directory creates, GET /directory<path> lists (doc §4.1, wave2 §1.1). */
import type { CreatedFolder } from '../contract';
import type { CloudreveError } from '../core/errors';
import { mkdirFailsOnExisting } from '../core/server';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath } from '../paths';

/** /directory/a/b%20c: each segment percent-encoded; the root is "/directory/". */
export function directoryRoute(folder: FolderPath): string {
	return `/directory${folder.map((name) => `/${encodeURIComponent(name)}`).join('') || '/'}`;
}

/** GET /directory/<path>: 0 for a folder; a missing path or a file is 40016 (404 before 3.6). */
async function folderExists(transport: Transport, folder: FolderPath): Promise<boolean> {
	const reply = await transport.request({ method: 'GET', path: directoryRoute(folder) });
	if (reply.code === 0) return true;
	if (reply.code === 40016 || reply.code === 404) return false;
	throw transport.failure(reply, 'request');
}

function alreadyExists(transport: Transport, folder: FolderPath): CloudreveError {
	return transport.failure({ code: 40004, msg: `${formatPath(folder)} already exists` }, 'createFolder');
}

export async function createFolder(transport: Transport, folder: FolderPath, { errorIfExists }: { errorIfExists: boolean }): Promise<CreatedFolder> {
	const path = formatPath(folder);
	// The root always exists; 3.0–3.4 answer "root protected" when asked to create it.
	if (folder.length === 0) {
		if (errorIfExists) throw alreadyExists(transport, folder);
		return { path };
	}
	const oldMkdir = mkdirFailsOnExisting(transport.server);
	// From 3.5.0 mkdir succeeds on an existing folder, so only a look tells whether it existed.
	if (errorIfExists && !oldMkdir && (await folderExists(transport, folder))) throw alreadyExists(transport, folder);
	const reply = await transport.request({ method: 'PUT', path: '/directory', body: { path } });
	if (reply.code === 0) return { path };
	// Before 3.5.0, 40004 is also the answer for an existing folder; a file of that name is an error.
	if (reply.code === 40004 && oldMkdir && !errorIfExists && (await folderExists(transport, folder))) return { path };
	throw transport.failure(reply, 'createFolder');
}
