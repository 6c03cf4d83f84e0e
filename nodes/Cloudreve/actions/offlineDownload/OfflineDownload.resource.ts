import type { INodeProperties } from 'n8n-workflow';

import * as add from './add.operation';
import * as cancel from './cancel.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const operations = { add, cancel, get, getMany };

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
			{ name: 'Cancel', value: 'cancel', action: 'Cancel an offline download', description: 'Stop a running offline download' },
			{ name: 'Get', value: 'get', action: 'Get an offline download', description: 'Get the status of one offline download' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many offline downloads', description: 'List many offline downloads with their status' },
		],
		default: 'add',
	},
	...add.description,
	...getMany.description,
	...get.description,
	...cancel.description,
];
