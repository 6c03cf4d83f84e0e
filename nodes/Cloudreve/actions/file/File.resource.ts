import type { INodeProperties } from 'n8n-workflow';

import * as copy from './copy.operation';
import * as deleteFile from './delete.operation';
import * as download from './download.operation';
import * as get from './get.operation';
import * as getDirectLink from './getDirectLink.operation';
import * as move from './move.operation';
import * as rename from './rename.operation';
import * as search from './search.operation';
import * as upload from './upload.operation';

export const operations = { copy, delete: deleteFile, download, get, getDirectLink, move, rename, search, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{ name: 'Copy', value: 'copy', action: 'Copy a file', description: 'Copy a file into another folder' },
			{ name: 'Delete', value: 'delete', action: 'Delete a file', description: 'Delete a file (4.x: into the trash)' },
			{ name: 'Download', value: 'download', action: 'Download a file', description: 'Download a file into a binary field' },
			{ name: 'Get', value: 'get', action: 'Get a file', description: 'Get a file\'s or folder\'s details' },
			{ name: 'Get Direct Link', value: 'getDirectLink', action: 'Get a direct link to a file', description: 'Get a permanent direct (source) link to a file' },
			{ name: 'Move', value: 'move', action: 'Move a file', description: 'Move a file into another folder' },
			{ name: 'Rename', value: 'rename', action: 'Rename a file' },
			{ name: 'Search', value: 'search', action: 'Search files', description: 'Find files (and on 4.x folders) whose name contains a text' },
			{ name: 'Upload', value: 'upload', action: 'Upload a file', description: 'Upload a binary field as a file' },
		],
		default: 'upload',
	},
	...upload.description,
	...download.description,
	...get.description,
	...copy.description,
	...move.description,
	...rename.description,
	...deleteFile.description,
	...getDirectLink.description,
	...search.description,
];
