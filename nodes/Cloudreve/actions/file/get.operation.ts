import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { optionsCollection, pathParameter } from '../common.descriptions';
import { findEntry, single } from '../entries';

export const description: INodeProperties[] = [pathParameter('file', ['get'], 'file'), optionsCollection('file', ['get'])];

/** Get: the parent's listing (3.x has no lookup by path) or GET /file/info (4.x). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const { entry } = await findEntry(this, itemIndex, client, 'any');
	return single(entry);
}
