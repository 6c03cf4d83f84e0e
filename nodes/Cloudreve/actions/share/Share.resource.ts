import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteShare from './delete.operation';
import * as getMany from './getMany.operation';

export const operations = { create, delete: deleteShare, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['share'] } },
		options: [
			{ name: 'Create', value: 'create', action: 'Create a share link', description: 'Share a file or folder by link, with an optional password, expiry and download limit' },
			{ name: 'Delete', value: 'delete', action: 'Delete a share link', description: 'Delete a share link; the link stops working' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many share links', description: 'List the share links of the account' },
		],
		default: 'create',
	},
	...create.description,
	...getMany.description,
	...deleteShare.description,
];
