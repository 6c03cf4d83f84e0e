import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { single } from '../entries';
import { readTaskId, taskIdParameters } from './taskId';

export const description: INodeProperties[] = taskIdParameters('cancel', 'The taskId of the running download to cancel');

/** Cancel: DELETE /aria2/task/<gid> (3.x) or DELETE /workflow/download/<id> (4.x); outputs the task as it ended. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const taskId = readTaskId(this, itemIndex);
	const api = await client.api();
	return single(await api.cancelTask(taskId));
}
