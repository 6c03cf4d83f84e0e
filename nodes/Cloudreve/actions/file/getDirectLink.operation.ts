import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { optionsCollection, pathParameter } from '../common.descriptions';
import { findEntry, single } from '../entries';

export const description: INodeProperties[] = [pathParameter('file', ['getDirectLink'], 'file'), optionsCollection('file', ['getDirectLink'])];

/** Get Direct Link: POST /file/source (3.x) or PUT /file/source (4.x); the URL made absolute. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const { api, entry } = await findEntry(this, itemIndex, client, 'file');
	return single({ path: entry.path, url: await api.getDirectLink(entry) });
}
