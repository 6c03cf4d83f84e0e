import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { optionsCollection } from '../common.descriptions';
import { single } from '../entries';

export const description: INodeProperties[] = [optionsCollection('account', ['getStorage'])];

/** Get Storage: GET /user/storage (3.x) or GET /user/capacity (4.x), in bytes. */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const api = await client.api();
	return single(await api.getStorage());
}
