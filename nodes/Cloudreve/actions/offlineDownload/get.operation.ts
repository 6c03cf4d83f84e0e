import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { single } from '../entries';
import { readTaskId, taskIdParameters } from './taskId';

export const description: INodeProperties[] = taskIdParameters('get', 'The taskId that Add Offline Download or Get Many output');

/** Get: found in the task lists (Cloudreve has no lookup of one task). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const api = await client.api();
	return single(await api.getTask(taskId));
}
