/**
 * Cloudreve 4.x changes to entries (wave2 §4.2): POST /file/move (copy too), POST /file/rename,
 * DELETE /file (into the trash unless permanent). Move, copy and delete are batch endpoints, so a
 * failure comes as 40081 with the reason inside. None is sent again after a lost reply: a second
 * move or delete finds nothing (40016) and a second copy a name clash (40004).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Entry } from '../contract';
import { CloudreveError } from '../core/errors';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { formatPath, toFileUri } from '../paths';
import { findEntry, getEntry, toEntry, uriOfEntry } from './entries';
import { batchFailure, innerEnvelope } from './failures';

const PATH_NOT_EXIST = 40016;

async function moveOrCopy(transport: Transport, entry: Entry, destination: FolderPath, copy: boolean): Promise<Entry> {
	const reply = await transport.request({
		method: 'POST',
		path: '/file/move',
		body: { uris: [uriOfEntry(entry)], dst: toFileUri(destination), copy },
		retry: 'ifNotSent',
	});
	if (reply.code !== 0) {
		// 40016 names no side: a missing destination deserves its own words.
		if (innerEnvelope(reply).code === PATH_NOT_EXIST && destination.length > 0 && (await findEntry(transport, destination)) === undefined) {
			throw new CloudreveError(`The destination folder ${formatPath(destination)} does not exist (Cloudreve code ${PATH_NOT_EXIST})`, {
				description: 'Create the folder first, or check the destination path.',
				kind: 'api',
				cloudreveCode: PATH_NOT_EXIST,
			});
		}
		throw batchFailure(transport, reply, 'change');
	}
	// The reply carries no file: ask for the one now in the destination.
	return await getEntry(transport, [...destination, entry.name]);
}

export async function copyEntry(transport: Transport, entry: Entry, destination: FolderPath): Promise<Entry> {
	return await moveOrCopy(transport, entry, destination, true);
}

export async function moveEntry(transport: Transport, entry: Entry, destination: FolderPath): Promise<Entry> {
	return await moveOrCopy(transport, entry, destination, false);
}

/** The reply is the renamed FileResponse. */
export async function renameEntry(transport: Transport, entry: Entry, newName: string): Promise<Entry> {
	const reply = await transport.request({ method: 'POST', path: '/file/rename', body: { uri: uriOfEntry(entry), new_name: newName }, retry: 'ifNotSent' });
	if (reply.code !== 0) throw transport.failure(reply, 'change');
	return toEntry((reply.data ?? {}) as IDataObject);
}

/** `unlink` would keep the stored bytes and needs a group permission; it is never wanted here. */
export async function removeEntry(transport: Transport, entry: Entry, { permanent }: { permanent: boolean }): Promise<void> {
	const reply = await transport.request({
		method: 'DELETE',
		path: '/file',
		body: { uris: [uriOfEntry(entry)], unlink: false, skip_soft_delete: permanent },
		retry: 'ifNotSent',
	});
	if (reply.code !== 0) throw batchFailure(transport, reply, 'change');
}
