import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export const operations = { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['folder'] } },
		options: [
			{
				name: 'Create Directory',
				value: 'create',
				action: 'Create a directory',
				description: 'Create a folder and any missing parent folders',
			},
		],
		default: 'create',
	},
	...create.description,
];
