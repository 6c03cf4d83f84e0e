import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import type { EntryType } from '../../transport/contract';
import { InputError, parseFolderPath } from '../../transport/paths';
import { entryTypeOption, optionsCollection, readOptions, returnAllAndLimit, showFor } from '../common.descriptions';
import { collectPages } from '../pages';

export const description: INodeProperties[] = [
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. report',
		description: 'Text the names must contain',
		displayOptions: showFor('file', ['search']),
	},
	...returnAllAndLimit('file', ['search']),
	optionsCollection('file', ['search'], [
		{
			displayName: 'Folder',
			name: 'folder',
			type: 'string',
			default: '/',
			placeholder: 'e.g. /Documents',
			description: 'Search only below this folder',
		},
		{ ...entryTypeOption, description: 'Cloudreve 3.x finds files only' },
	]),
];

/** Search: GET /file/search (3.x, each hit's real folder looked up) or a search URI (4.x). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const query = String(this.getNodeParameter('query', itemIndex) ?? '').trim();
	if (query === '') throw new InputError('Invalid Query: it is empty', 'Enter the text that the names must contain.');
	const { folder = '/', type = 'any' } = readOptions<{ folder: string; type: EntryType | 'any' }>(this, itemIndex);
	const scope = parseFolderPath(folder, 'Folder');
	const api = await client.api();
	const entries = await collectPages(this, itemIndex, async (limit, next) => await api.search(query, scope, { type, limit, next }));
	return entries.map((json) => ({ json }));
}
