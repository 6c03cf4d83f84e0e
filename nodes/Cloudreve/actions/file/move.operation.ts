import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { destinationParameter, optionsCollection, pathParameter } from '../common.descriptions';
import { moveEntry } from '../entries';

export const description: INodeProperties[] = [pathParameter('file', ['move'], 'file'), ...destinationParameter('file', 'move'), optionsCollection('file', ['move'])];

/** Move: PATCH /object (3.x) or POST /file/move (4.x); outputs the moved file. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	return await moveEntry(this, itemIndex, client, 'file');
}
