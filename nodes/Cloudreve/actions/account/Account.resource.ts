import type { INodeProperties } from 'n8n-workflow';

import * as getStorage from './getStorage.operation';

export const operations = { getStorage };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [{ name: 'Get Storage', value: 'getStorage', action: 'Get storage use', description: 'Get the bytes used, the total and the bytes free of the account' }],
		default: 'getStorage',
	},
	...getStorage.description,
];
