import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { deleteOptions, pathParameter } from '../common.descriptions';
import { deleteEntry } from '../entries';

export const description: INodeProperties[] = [pathParameter('folder', ['delete'], 'folder'), deleteOptions('folder')];

/** Delete: DELETE /object (3.x, permanent) or DELETE /file (4.x, to the trash unless permanent). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	return await deleteEntry(this, itemIndex, client, 'folder');
}
