import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CloudreveClient } from '../../transport/client';
import type { Task, TaskFilter } from '../../transport/contract';
import { InputError } from '../../transport/paths';
import { optionsCollection, returnAllAndLimit, showFor } from '../common.descriptions';

/** Page size asked of the server when returning all (3.x finished pages are always 10). */
const PAGE_WHEN_ALL = 100;

export const description: INodeProperties[] = [
	{
		displayName: 'Status',
		name: 'status',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'Active', value: 'active', description: 'Queued, downloading, transferring into the drive, or seeding' },
			{ name: 'All', value: 'all', description: 'Active tasks first, then finished ones, newest first' },
			{ name: 'Finished', value: 'finished', description: 'Completed, failed or canceled' },
		],
		description: 'Which offline downloads to list',
		displayOptions: showFor('offlineDownload', ['getMany']),
	},
	...returnAllAndLimit('offlineDownload', ['getMany']),
	optionsCollection('offlineDownload', ['getMany']),
];

const FILTERS: TaskFilter[] = ['active', 'finished', 'all'];

/**
 * Get Many: 3.x GET /aria2/downloading (whole) and /aria2/finished?page=N (10 per page); 4.x
 * GET /workflow?category=downloading|downloaded (cursor pages). One item per task.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, client: CloudreveClient): Promise<INodeExecutionData[]> {
	const filter = this.getNodeParameter('status', itemIndex, 'all') as TaskFilter;
	if (!FILTERS.includes(filter)) throw new InputError(`Invalid Status: expected active, finished or all, got ${JSON.stringify(filter)}`);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	if (!(limit > 0)) throw new InputError(`Invalid Limit: expected a number above 0, got ${JSON.stringify(limit)}`);
	const api = await client.api();
	const tasks: Task[] = [];
	let next: string | undefined;
	do {
		const page = await api.listTasks(filter, { limit: returnAll ? PAGE_WHEN_ALL : limit - tasks.length, next });
		tasks.push(...page.items);
		next = page.next;
	} while (next !== undefined && tasks.length < limit);
	return tasks.slice(0, limit).map((json) => ({ json }));
}
