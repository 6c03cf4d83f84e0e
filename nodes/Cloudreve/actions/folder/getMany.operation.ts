import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import type { EntryType } from '../../transport/contract';
import { entryTypeOption, folderParameter, optionsCollection, readFolder, readOptions, returnAllAndLimit } from '../common.descriptions';
import { collectPages } from '../pages';

export const description: INodeProperties[] = [
	...folderParameter({ name: 'folder', displayName: 'Folder', description: 'Folder whose content to list', resource: 'folder', operations: ['getMany'] }),
	...returnAllAndLimit('folder', ['getMany']),
	optionsCollection('folder', ['getMany'], [entryTypeOption]),
];

/** Get Many: GET /directory<path> (3.x, whole folder) or GET /file?uri= (4.x, cursor pages). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const folder = readFolder(this, 'folder', 'Folder', itemIndex);
	const { type = 'any' } = readOptions<{ type: EntryType | 'any' }>(this, itemIndex);
	const api = await client.api();
	const entries = await collectPages(this, itemIndex, async (limit, next) => await api.listFolder(folder, { type, limit, next }));
	return entries.map((json) => ({ json }));
}
