import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import { optionsCollection, returnAllAndLimit } from '../common.descriptions';
import { collectPages } from '../pages';

export const description: INodeProperties[] = [...returnAllAndLimit('share', ['getMany']), optionsCollection('share', ['getMany'])];

/** Get Many: GET /share (3.x, 18 a page) or GET /share?page_size= (4.x, cursor pages). */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const api = await client.api();
	const shares = await collectPages(this, itemIndex, async (limit, next) => await api.listShares({ limit, next }));
	return shares.map((json) => ({ json }));
}
