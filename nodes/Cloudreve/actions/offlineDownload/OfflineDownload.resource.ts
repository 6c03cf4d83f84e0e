import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';

export const operations = { add };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['offlineDownload'] } },
		options: [
			{
				name: 'Add Offline Download',
				value: 'add',
				action: 'Add an offline download',
				description: 'Let the Cloudreve server download links into a folder',
			},
		],
		default: 'add',
	},
	...add.description,
];
