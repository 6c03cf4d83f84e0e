import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { newNameParameter, optionsCollection, pathParameter } from '../common.descriptions';
import { renameEntry } from '../entries';

export const description: INodeProperties[] = [pathParameter('folder', ['rename'], 'folder'), newNameParameter('folder'), optionsCollection('folder', ['rename'])];

/** Rename: POST /object/rename (3.x) or POST /file/rename (4.x); outputs the renamed folder. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	return await renameEntry(this, itemIndex, client, 'folder');
}
