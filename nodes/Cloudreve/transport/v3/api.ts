/**
 * Cloudreve 3.x: /api/v3, plain paths, objects by id + parent path, payloads that changed at
 * 3.5.0 and 3.5.3 and codes that changed at 3.6.0. Each domain has its own file here.
 */
import type { CloudreveApi } from '../contract';
import type { Transport } from '../core/transport';
import { getStorage } from './account';
import { copy, move, remove, rename } from './changes';
import { addOfflineDownloads } from './downloads';
import { getEntry, listFolder, search } from './entries';
import { createFolder } from './folders';
import { getDirectLink } from './links';
import { createShare, deleteShare, listShares } from './shares';
import { cancelTask, getTask, listTasks } from './tasks';
import { download, upload } from './transfer';

export class V3Api implements CloudreveApi {
	constructor(private readonly transport: Transport) {}

	createFolder: CloudreveApi['createFolder'] = async (folder, options) => await createFolder(this.transport, folder, options);

	addOfflineDownloads: CloudreveApi['addOfflineDownloads'] = async (urls, destination) => await addOfflineDownloads(this.transport, urls, destination);

	getEntry: CloudreveApi['getEntry'] = async (path) => await getEntry(this.transport, path);

	listFolder: CloudreveApi['listFolder'] = async (folder, options) => await listFolder(this.transport, folder, options);

	search: CloudreveApi['search'] = async (query, folder, options) => await search(this.transport, query, folder, options);

	upload: CloudreveApi['upload'] = async (folder, name, source, options) => await upload(this.transport, folder, name, source, options);

	download: CloudreveApi['download'] = async (file) => await download(this.transport, file);

	copy: CloudreveApi['copy'] = async (entry, destination) => await copy(this.transport, entry, destination);

	move: CloudreveApi['move'] = async (entry, destination) => await move(this.transport, entry, destination);

	rename: CloudreveApi['rename'] = async (entry, newName) => await rename(this.transport, entry, newName);

	// 3.x has no trash: every delete is permanent.
	remove: CloudreveApi['remove'] = async (entry) => await remove(this.transport, entry);

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
