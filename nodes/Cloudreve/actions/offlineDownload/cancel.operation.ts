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
		description: 'The taskId of the running download to cancel',
		displayOptions: showFor('offlineDownload', ['cancel']),
	},
	optionsCollection('offlineDownload', ['cancel']),
];

/** Cancel: DELETE /aria2/task/<gid> (3.x) or DELETE /workflow/download/<id> (4.x); outputs the task as it ended. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const api = await client.api();
	return single(await api.cancelTask(taskId));
}
