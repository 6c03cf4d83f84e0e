/**
 * Cloudreve 3.x: /api/v3, plain paths, objects by id + parent path, payloads that changed at
 * 3.5.0 and 3.5.3 and codes that changed at 3.6.0. Each domain has its own file here.
 */
import type { CloudreveApi } from '../contract';
import type { Transport } from '../core/transport';
import { addOfflineDownloads } from './downloads';
import { createFolder } from './folders';

export class V3Api implements CloudreveApi {
	constructor(private readonly transport: Transport) {}

	createFolder: CloudreveApi['createFolder'] = async (folder, options) => await createFolder(this.transport, folder, options);

	addOfflineDownloads: CloudreveApi['addOfflineDownloads'] = async (urls, destination) => await addOfflineDownloads(this.transport, urls, destination);

	getEntry: CloudreveApi['getEntry'] = async () => notYet();

	listFolder: CloudreveApi['listFolder'] = async () => notYet();

	search: CloudreveApi['search'] = async () => notYet();

	upload: CloudreveApi['upload'] = async () => notYet();

	download: CloudreveApi['download'] = async () => notYet();

	copy: CloudreveApi['copy'] = async () => notYet();

	move: CloudreveApi['move'] = async () => notYet();

	rename: CloudreveApi['rename'] = async () => notYet();

	remove: CloudreveApi['remove'] = async () => notYet();

	getDirectLink: CloudreveApi['getDirectLink'] = async () => notYet();
}

function notYet(): never {
	throw new Error('not implemented yet');
}
