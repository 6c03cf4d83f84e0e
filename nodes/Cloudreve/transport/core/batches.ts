/**
 * Offline-download links in requests the user group accepts. Its limit on links per request
 * (40015) is not known up front, so a refused request is split in halves; a refused request
 * queued nothing, so no link is ever added twice.
 */
import type { UrlResult } from '../contract';
import { CloudreveError } from './errors';

/** 40015: more links than the user group allows in one request (or too many running downloads). */
const BATCH_TOO_LARGE = 40015;

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

/**
 * Once split, every part keeps its own results: a part that fails never hides the links other
 * parts queued. A single link refused with 40015 means the group's running-download limit is
 * reached, so the links after it are not sent.
 */
export async function inBatchesThatFit(urls: string[], add: (part: string[]) => Promise<UrlResult[]>): Promise<UrlResult[]> {
	let limitReached: CloudreveError | undefined;
	const sendPart = async (part: string[], split: boolean): Promise<UrlResult[]> => {
		if (limitReached) return failedResults(part, limitReached, false);
		return await add(part).catch(async (error: unknown) => {
			if (!(error instanceof CloudreveError)) throw error;
			if (error.cloudreveCode === BATCH_TOO_LARGE && part.length > 1) {
				const half = Math.ceil(part.length / 2);
				return [...(await sendPart(part.slice(0, half), true)), ...(await sendPart(part.slice(half), true))];
			}
			// Before any split, the request as a whole failed: the operation reports that.
			if (!split) throw error;
			if (error.cloudreveCode === BATCH_TOO_LARGE) limitReached = error;
			return failedResults(part, error, true);
		});
	};
	return await sendPart(urls, false);
}
