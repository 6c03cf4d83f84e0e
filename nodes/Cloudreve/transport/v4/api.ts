/**
 * Cloudreve 4.x: /api/v4, cloudreve://my URIs, cursor pagination, tasks with ids and 40081
 * partial failures. Each domain has its own file here.
 */
import type { CloudreveApi } from '../contract';
import type { Transport } from '../core/transport';
import { getStorage } from './account';
import { copyEntry, moveEntry, removeEntry, renameEntry } from './changes';
import { downloadFile } from './download';
import { addOfflineDownloads } from './downloads';
import { getEntry, listFolder, search } from './entries';
import { createFolder } from './folders';
import { getDirectLink } from './links';
import { createShare, deleteShare, listShares } from './shares';
import { cancelTask, getTask, listTasks } from './tasks';
import { uploadFile } from './upload';

export class V4Api implements CloudreveApi {
	constructor(private readonly transport: Transport) {}

	createFolder: CloudreveApi['createFolder'] = async (folder, options) => await createFolder(this.transport, folder, options);

	addOfflineDownloads: CloudreveApi['addOfflineDownloads'] = async (urls, destination) => await addOfflineDownloads(this.transport, urls, destination);

	getEntry: CloudreveApi['getEntry'] = async (path) => await getEntry(this.transport, path);

	listFolder: CloudreveApi['listFolder'] = async (folder, options) => await listFolder(this.transport, folder, options);

	search: CloudreveApi['search'] = async (query, folder, options) => await search(this.transport, query, folder, options);

	upload: CloudreveApi['upload'] = async (folder, name, source, options) => await uploadFile(this.transport, folder, name, source, options);

	download: CloudreveApi['download'] = async (file) => await downloadFile(this.transport, file);

	copy: CloudreveApi['copy'] = async (entry, destination) => await copyEntry(this.transport, entry, destination);

	move: CloudreveApi['move'] = async (entry, destination) => await moveEntry(this.transport, entry, destination);

	rename: CloudreveApi['rename'] = async (entry, newName) => await renameEntry(this.transport, entry, newName);

	remove: CloudreveApi['remove'] = async (entry, options) => await removeEntry(this.transport, entry, options);

	getDirectLink: CloudreveApi['getDirectLink'] = async (file) => await getDirectLink(this.transport, file);

	// Offline-download tasks (tasks.ts).
	listTasks: CloudreveApi['listTasks'] = async (filter, options) => await listTasks(this.transport, filter, options);

	getTask: CloudreveApi['getTask'] = async (taskId) => await getTask(this.transport, taskId);

	cancelTask: CloudreveApi['cancelTask'] = async (taskId) => await cancelTask(this.transport, taskId);

	// Shares (shares.ts) and storage use (account.ts).
	createShare: CloudreveApi['createShare'] = async (entry, options) => await createShare(this.transport, entry, options);

	listShares: CloudreveApi['listShares'] = async (options) => await listShares(this.transport, options);

	deleteShare: CloudreveApi['deleteShare'] = async (shareId) => await deleteShare(this.transport, shareId);

	getStorage: CloudreveApi['getStorage'] = async () => await getStorage(this.transport);
}
