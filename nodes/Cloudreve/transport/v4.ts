/** Cloudreve 4.x: /api/v4, cloudreve://my URIs, tasks with ids, 40081 partial failures (doc §4.2, §5.2). */
import type { IDataObject } from 'n8n-workflow';

import type { CloudreveApi, CloudreveClient } from './client';
import type { CreatedFolder, UrlResult } from './results';
import { describeCode } from './errors';
import type { ServerInfo } from './protocol';
import type { FolderPath } from './paths';
import { formatPath, toFileUri } from './paths';

const BATCH_NOT_FULLY_COMPLETED = 40081;

export class V4Api implements CloudreveApi {
	constructor(
		private readonly client: CloudreveClient,
		private readonly server: ServerInfo,
	) {}

	async createFolder(folder: FolderPath, { errorIfExists }: { errorIfExists: boolean }): Promise<CreatedFolder> {
		const reply = await this.client.request('POST', '/file/create', {
			uri: toFileUri(folder),
			type: 'folder',
			err_on_conflict: errorIfExists,
		});
		if (reply.code !== 0) throw await this.client.failure(reply, 'createFolder');
		const file = (reply.data ?? {}) as IDataObject;
		return {
			path: formatPath(folder),
			id: typeof file.id === 'string' ? file.id : undefined,
			uri: typeof file.path === 'string' ? file.path : toFileUri(folder),
			name: typeof file.name === 'string' ? file.name : undefined,
		};
	}

	async addOfflineDownloads(urls: string[], destination: FolderPath): Promise<UrlResult[]> {
		return await this.client.inBatchesThatFit(urls, async (part) => await this.addBatch(part, destination));
	}

	private async addBatch(urls: string[], destination: FolderPath): Promise<UrlResult[]> {
		const reply = await this.client.request('POST', '/workflow/download', { src: urls, dst: toFileUri(destination) }, 'ifNotSent');
		if (reply.code === 0) {
			const tasks = Array.isArray(reply.data) ? (reply.data as IDataObject[]) : [];
			return urls.map((url, index) => {
				const task = tasks.find((candidate) => sourceOf(candidate) === url) ?? tasks[index];
				return { url, status: 'queued', taskId: typeof task?.id === 'string' ? task.id : undefined };
			});
		}
		// Some URLs failed: the others were queued, but 4.x sends no data (so no task ids) then.
		if (reply.code === BATCH_NOT_FULLY_COMPLETED && reply.aggregated_error) {
			const failures = reply.aggregated_error;
			return urls.map((url) => {
				const failure = failures[url];
				if (failure === undefined) return { url, status: 'queued' };
				return { url, status: 'failed', code: failure.code, error: describeCode(failure.code, this.server, 'addDownload', failure.msg).message };
			});
		}
		throw await this.client.failure(reply, 'addDownload');
	}
}

function sourceOf(task: IDataObject): unknown {
	const props = (task.summary as IDataObject | undefined)?.props as IDataObject | undefined;
	return props?.src_str;
}
