/** Cloudreve 4.x offline downloads: POST /workflow/download, task ids, 40081 partial failures (doc §5.2). */
import type { IDataObject } from 'n8n-workflow';

import type { UrlResult } from '../contract';
import { inBatchesThatFit } from '../core/batches';
import { describeCode } from '../core/errors';
import type { Transport } from '../core/transport';
import type { FolderPath } from '../paths';
import { toFileUri } from '../paths';

const BATCH_NOT_FULLY_COMPLETED = 40081;

function sourceOf(task: IDataObject): unknown {
	const props = (task.summary as IDataObject | undefined)?.props as IDataObject | undefined;
	return props?.src_str;
}

async function addBatch(transport: Transport, urls: string[], destination: FolderPath): Promise<UrlResult[]> {
	const reply = await transport.request({ method: 'POST', path: '/workflow/download', body: { src: urls, dst: toFileUri(destination) }, retry: 'ifNotSent' });
	if (reply.code === 0) {
		const tasks = Array.isArray(reply.data) ? (reply.data as IDataObject[]) : [];
		// Tasks come in the order of the links; a link sent twice gets two tasks, one each.
		const unclaimed = [...tasks];
		return urls.map((url, index) => {
			const inOrder = tasks[index] !== undefined && sourceOf(tasks[index]) === url && unclaimed.includes(tasks[index]) ? tasks[index] : undefined;
			const task = inOrder ?? unclaimed.find((candidate) => sourceOf(candidate) === url);
			if (task !== undefined) unclaimed.splice(unclaimed.indexOf(task), 1);
			return { url, status: 'queued', taskId: typeof task?.id === 'string' ? task.id : undefined };
		});
	}
	// Some URLs failed: the others were queued, but 4.x sends no data (so no task ids) then.
	if (reply.code === BATCH_NOT_FULLY_COMPLETED && reply.aggregated_error) {
		const failures = reply.aggregated_error;
		return urls.map((url) => {
			const failure = failures[url];
			if (failure === undefined) return { url, status: 'queued' };
			return { url, status: 'failed', code: failure.code, error: describeCode(failure.code, transport.server, 'addDownload', failure.msg).message };
		});
	}
	throw transport.failure(reply, 'addDownload');
}

export async function addOfflineDownloads(transport: Transport, urls: string[], destination: FolderPath): Promise<UrlResult[]> {
	return await inBatchesThatFit(urls, async (part) => await addBatch(transport, part, destination));
}
