/** Return All and Limit over a paginated listing. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Page } from '../transport/contract';

/** Page size asked of the server when returning all: large pages, few requests. */
const PAGE_WHEN_ALL = 1000;

export async function collectPages<T>(context: IExecuteFunctions, itemIndex: number, fetchPage: (limit: number, next?: string) => Promise<Page<T>>): Promise<T[]> {
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (context.getNodeParameter('limit', itemIndex, 50) as number);
	const entries: T[] = [];
	let next: string | undefined;
	do {
		const page = await fetchPage(returnAll ? PAGE_WHEN_ALL : limit - entries.length, next);
		entries.push(...page.items);
		next = page.next;
	} while (next !== undefined && entries.length < limit);
	return entries.slice(0, limit);
}
