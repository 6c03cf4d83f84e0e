import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as folder from './actions/folder/Folder.resource';
import * as offlineDownload from './actions/offlineDownload/OfflineDownload.resource';
import { router } from './actions/router';

export class Cloudreve implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Cloudreve',
		name: 'cloudreve',
		icon: { light: 'file:../../icons/cloudreve.svg', dark: 'file:../../icons/cloudreve.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create folders and add offline downloads on a self-hosted Cloudreve drive (3.x and 4.x)',
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
					{ name: 'Folder', value: 'folder' },
					{ name: 'Offline Download', value: 'offlineDownload' },
				],
				default: 'offlineDownload',
			},
			...folder.description,
			...offlineDownload.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
