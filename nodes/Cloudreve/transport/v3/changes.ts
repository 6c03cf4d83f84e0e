/**
 * Cloudreve 3.x copy, move, rename and delete: objects by id, files and folders in separate
 * lists (their ids are different hashid types), batches that answer code 0 even for ids they
 * skipped, so each change is checked by looking at the result (wave2 §4.1).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Entry } from '../contract';
import { CloudreveError } from '../core/errors';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath } from '../paths';
import { getEntry } from './entries';

function namesOf(entry: Entry): FolderPath {
	return entry.path.split('/').filter((name) => name !== '');
}

/** {items: [file ids], dirs: [folder ids]}: the one object, in the list of its kind. */
export function sourceOf(entry: Entry): IDataObject {
	return entry.type === 'folder' ? { items: [], dirs: [entry.id] } : { items: [entry.id], dirs: [] };
}

/** The change was accepted but nothing is where it should be: say so instead of guessing. */
function notApplied(action: string, entry: Entry, where: string): CloudreveError {
	return new CloudreveError(`Cloudreve answered success but ${entry.path} was not ${action} (nothing is at ${where})`, {
		kind: 'api',
		description: 'The entry may have been moved or renamed by someone else meanwhile. Check the folder in Cloudreve and run the item again.',
	});
}

async function moveOrCopy(transport: Transport, entry: Entry, destination: FolderPath, copy: boolean): Promise<Entry> {
	const names = namesOf(entry);
	const body = { src_dir: formatPath(names.slice(0, -1)), src: sourceOf(entry), dst: formatPath(destination) };
	const reply = copy
		? await transport.request({ method: 'POST', path: '/object/copy', body })
		: await transport.request({ method: 'PATCH', path: '/object', body });
	if (reply.code !== 0) throw transport.failure(reply, 'change');
	const target = [...destination, entry.name];
	return await getEntry(transport, target).catch(() => {
		throw notApplied(copy ? 'copied' : 'moved', entry, formatPath(target));
	});
}

export async function copy(transport: Transport, entry: Entry, destination: FolderPath): Promise<Entry> {
	return await moveOrCopy(transport, entry, destination, true);
}

export async function move(transport: Transport, entry: Entry, destination: FolderPath): Promise<Entry> {
	return await moveOrCopy(transport, entry, destination, false);
}

/** POST /object/rename (the route is POST in every 3.x; some clients wrongly send PATCH). */
export async function rename(transport: Transport, entry: Entry, newName: string): Promise<Entry> {
	const reply = await transport.request({ method: 'POST', path: '/object/rename', body: { src: sourceOf(entry), new_name: newName } });
	if (reply.code !== 0) throw transport.failure(reply, 'change');
	const target = [...namesOf(entry).slice(0, -1), newName];
	return await getEntry(transport, target).catch(() => {
		throw notApplied('renamed', entry, formatPath(target));
	});
}

/** DELETE /object: 3.x has no trash, so this is always permanent; folders go with their content. */
export async function remove(transport: Transport, entry: Entry): Promise<void> {
	const reply = await transport.request({ method: 'DELETE', path: '/object', body: { ...sourceOf(entry), force: false, unlink: false } });
	if (reply.code !== 0) throw transport.failure(reply, 'change');
}
