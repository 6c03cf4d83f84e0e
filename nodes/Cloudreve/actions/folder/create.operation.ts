import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { timeoutOption } from '../common.descriptions';
import { readFolderPath } from '../parameters';
import { single } from '../entries';

const showOnlyForCreate = { show: { resource: ['folder'], operation: ['create'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. /Downloads/2026',
		description: 'Absolute path of the folder. Missing parent folders are created too.',
		displayOptions: showOnlyForCreate,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showOnlyForCreate,
		options: [
			{
				displayName: 'Error If Exists',
				name: 'errorIfExists',
				type: 'boolean',
				default: false,
				description: 'Whether to fail when the folder already exists. Off: an existing folder counts as success.',
			},
			timeoutOption,
		],
	},
];

/** Create Directory: PUT /directory (3.x) or POST /file/create (4.x). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const folder = readFolderPath(this, 'path', 'Path', itemIndex);
	const { errorIfExists = false } = this.getNodeParameter('options', itemIndex, {}) as { errorIfExists?: boolean };
	const api = await client.api();
	return single(await api.createFolder(folder, { errorIfExists }));
}
