import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { optionsCollection, showFor } from '../common.descriptions';
import { single } from '../entries';
import { readTaskId } from './taskId';

export const description: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 66aa3a1e63a32298 (3.x) or lkT2 (4.x)',
		description: 'The taskId that Add Offline Download or Get Many output',
		displayOptions: showFor('offlineDownload', ['get']),
	},
	optionsCollection('offlineDownload', ['get']),
];

/** Get: found in the task lists (Cloudreve has no lookup of one task). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const api = await client.api();
	return single(await api.getTask(taskId));
}
