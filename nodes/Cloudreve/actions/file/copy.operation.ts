import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { destinationParameter, optionsCollection, pathParameter } from '../common.descriptions';
import { copyEntry } from '../entries';

export const description: INodeProperties[] = [pathParameter('file', ['copy'], 'file'), ...destinationParameter('file', 'copy'), optionsCollection('file', ['copy'])];

/** Copy: POST /object/copy (3.x) or POST /file/move with copy:true (4.x); outputs the new file. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	return await copyEntry(this, itemIndex, client, 'file');
}
