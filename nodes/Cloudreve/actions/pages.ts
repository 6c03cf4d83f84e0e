/** Return All and Limit over a paginated listing. */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Entry, Page } from '../transport/contract';

/** Page size asked of the server when returning all: large pages, few requests. */
const PAGE_WHEN_ALL = 1000;

export async function collectPages(context: IExecuteFunctions, itemIndex: number, fetchPage: (limit: number, next?: string) => Promise<Page<Entry>>): Promise<Entry[]> {
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (context.getNodeParameter('limit', itemIndex, 50) as number);
	const entries: Entry[] = [];
	let next: string | undefined;
	do {
		const page = await fetchPage(returnAll ? PAGE_WHEN_ALL : limit - entries.length, next);
		entries.push(...page.items);
		next = page.next;
	} while (next !== undefined && entries.length < limit);
	return entries.slice(0, limit);
}
