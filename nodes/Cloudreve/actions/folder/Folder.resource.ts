import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteFolder from './delete.operation';
import * as getMany from './getMany.operation';
import * as move from './move.operation';
import * as rename from './rename.operation';

export const operations = { create, delete: deleteFolder, getMany, move, rename };

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
			{ name: 'Delete', value: 'delete', action: 'Delete a folder', description: 'Delete a folder and its content (4.x: into the trash)' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many entries in a folder', description: 'List the files and folders in a folder' },
			{ name: 'Move', value: 'move', action: 'Move a folder', description: 'Move a folder into another folder' },
			{ name: 'Rename', value: 'rename', action: 'Rename a folder' },
		],
		default: 'create',
	},
	...create.description,
	...getMany.description,
	...move.description,
	...rename.description,
	...deleteFolder.description,
];
