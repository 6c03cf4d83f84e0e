import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account/Account.resource';
import * as file from './actions/file/File.resource';
import * as folder from './actions/folder/Folder.resource';
import * as offlineDownload from './actions/offlineDownload/OfflineDownload.resource';
import * as share from './actions/share/Share.resource';
import { router } from './actions/router';
import { searchFolders } from './methods/listSearch';

export class Cloudreve implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Cloudreve',
		name: 'cloudreve',
		icon: { light: 'file:../../icons/cloudreve.svg', dark: 'file:../../icons/cloudreve.dark.svg' },
		group: ['output'],
		// 1.1: folder parameters are a folder picker (1 keeps plain text paths for saved workflows).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Manage files, folders, share links and offline downloads on a self-hosted Cloudreve drive (3.x and 4.x)',
		defaults: { name: 'Cloudreve' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cloudreveApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'File', value: 'file' },
					{ name: 'Folder', value: 'folder' },
					{ name: 'Offline Download', value: 'offlineDownload' },
					{ name: 'Share', value: 'share' },
				],
				default: 'offlineDownload',
			},
			...file.description,
			...folder.description,
			...offlineDownload.description,
			...share.description,
			...account.description,
		],
	};

	methods = { listSearch: { searchFolders } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
