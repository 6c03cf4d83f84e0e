/** What operations return per link and per folder, in the node's output field names. */
import type { CloudreveError } from './errors';

/** One URL of an Add Offline Download item, as the node outputs it. */
export interface UrlResult {
	[key: string]: string | number | undefined;
	url: string;
	status: 'queued' | 'failed';
	taskId?: string;
	error?: string;
	code?: number;
}

export interface CreatedFolder {
	[key: string]: string | undefined;
	path: string;
	id?: string;
	uri?: string;
	name?: string;
}

/**
 * `part` reported as failed because of `error`. Links that were sent when the connection failed
 * may have been added all the same, and say so; links held back say they were not sent.
 */
export function failedResults(part: string[], error: CloudreveError, sent: boolean): UrlResult[] {
	const note = !sent
		? ' (not sent)'
		: error.kind !== 'api' && !error.notSent
			? ' (it may have been added anyway; check Cloudreve before retrying)'
			: '';
	return part.map((url) => ({ url, status: 'failed', code: error.cloudreveCode, error: `${error.message}${note}` }));
}
