/**
 * What File and Folder operations share: find the entry the item names, check it is of the
 * resource's kind, and change it. Copy, Move, Rename and Delete read alike for both resources.
 */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CloudreveClient } from '../transport/client';
import type { CloudreveApi, Entry, EntryType } from '../transport/contract';
import { InputError, parseEntryPath, parseName } from '../transport/paths';
import { readFolder, readOptions } from './common.descriptions';

/** The entry at the item's Path, which must be a `kind` (or either, for 'any'). */
export async function findEntry(context: IExecuteFunctions, itemIndex: number, client: CloudreveClient, kind: EntryType | 'any'): Promise<{ api: CloudreveApi; entry: Entry }> {
	const path = parseEntryPath(context.getNodeParameter('path', itemIndex), 'Path');
	const api = await client.api();
	const entry = await api.getEntry(path);
	if (kind !== 'any' && entry.type !== kind) {
		throw new InputError(
			`Invalid Path: ${entry.path} is a ${entry.type}, not a ${kind}`,
			`Use the ${entry.type === 'folder' ? 'Folder' : 'File'} resource for ${entry.type === 'folder' ? 'folders' : 'files'}.`,
		);
	}
	return { api, entry };
}

export const single = (json: Entry | Record<string, unknown>): INodeExecutionData[] => [{ json: json as INodeExecutionData['json'] }];

export async function copyEntry(context: IExecuteFunctions, itemIndex: number, client: CloudreveClient, kind: EntryType): Promise<INodeExecutionData[]> {
	const destination = readFolder(context, 'destination', 'Destination', itemIndex);
	const { api, entry } = await findEntry(context, itemIndex, client, kind);
	return single(await api.copy(entry, destination));
}

export async function moveEntry(context: IExecuteFunctions, itemIndex: number, client: CloudreveClient, kind: EntryType): Promise<INodeExecutionData[]> {
	const destination = readFolder(context, 'destination', 'Destination', itemIndex);
	const { api, entry } = await findEntry(context, itemIndex, client, kind);
	return single(await api.move(entry, destination));
}

export async function renameEntry(context: IExecuteFunctions, itemIndex: number, client: CloudreveClient, kind: EntryType): Promise<INodeExecutionData[]> {
	const newName = parseName(context.getNodeParameter('newName', itemIndex), 'New Name');
	const { api, entry } = await findEntry(context, itemIndex, client, kind);
	if (newName === entry.name) return single(entry);
	return single(await api.rename(entry, newName));
}

export async function deleteEntry(context: IExecuteFunctions, itemIndex: number, client: CloudreveClient, kind: EntryType): Promise<INodeExecutionData[]> {
	const { permanent = false } = readOptions<{ permanent: boolean }>(context, itemIndex);
	const { api, entry } = await findEntry(context, itemIndex, client, kind);
	await api.remove(entry, { permanent });
	return single({ path: entry.path, deleted: true });
}
