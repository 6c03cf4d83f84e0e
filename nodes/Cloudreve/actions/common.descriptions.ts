/** Parameters several operations share, and how they are read. */
import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties, INodePropertyMode } from 'n8n-workflow';

import { DEFAULT_TIMEOUT_MS } from '../transport/client';
import type { FolderPath } from '../transport/paths';
import { InputError, parseFolderPath } from '../transport/paths';

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30,
	description: 'Seconds to wait for each reply from Cloudreve before giving up',
};

/** The item's Timeout option in milliseconds. */
export function readTimeoutMs(context: IExecuteFunctions, itemIndex: number): number {
	const options = context.getNodeParameter('options', itemIndex, {}) as { timeout?: unknown };
	const seconds = options.timeout ?? DEFAULT_TIMEOUT_MS / 1000;
	if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
		throw new InputError(`Invalid Timeout: expected a number of seconds above 0, got ${JSON.stringify(seconds)}`);
	}
	return Math.round(seconds * 1000);
}

/** Shows a parameter for these operations of one resource. */
export function showFor(resource: string, operations: string[], extra: IDisplayOptions['show'] = {}): IDisplayOptions {
	return { show: { resource: [resource], operation: operations, ...extra } };
}

/** Node versions: 1 has plain text folder paths; 1.1 has the folder picker (a resource locator). */
const VERSION_1 = { '@version': [1] };
const PICKER_VERSIONS = { '@version': [{ _cnd: { gte: 1.1 } }] };

/** The folder picker: browse the drive's folders (the node's list search), or type a path. */
// These are a resource locator's modes, not parameters: they have no default.
/* eslint-disable n8n-nodes-base/node-param-default-missing */
export const folderPickerModes: INodePropertyMode[] = [
	{
		displayName: 'From List',
		name: 'list',
		type: 'list',
		placeholder: 'Select a folder...',
		typeOptions: { searchListMethod: 'searchFolders', searchable: true },
	},
	{
		displayName: 'By Path',
		name: 'path',
		type: 'string',
		placeholder: 'e.g. /Downloads/RSS',
		hint: 'An absolute path; the operation may create it when it does not exist',
		validation: [{ type: 'regex', properties: { regex: '^\\s*/.*', errorMessage: 'Start the path at the root with "/", e.g. /Downloads' } }],
	},
];
/* eslint-enable n8n-nodes-base/node-param-default-missing */

/**
 * A parameter naming an existing folder: the folder picker from version 1.1 (browse the drive, or
 * type a path or an expression), plain text in version 1 so that saved workflows keep working.
 */
export function folderParameter(field: {
	name: string;
	displayName: string;
	description: string;
	resource: string;
	operations: string[];
	required?: boolean;
}): INodeProperties[] {
	const base = { name: field.name, displayName: field.displayName, description: field.description, required: field.required ?? true };
	return [
		{
			...base,
			type: 'string',
			default: '/',
			placeholder: 'e.g. /Downloads/RSS',
			displayOptions: showFor(field.resource, field.operations, VERSION_1),
		},
		{
			...base,
			type: 'resourceLocator',
			default: { mode: 'list', value: '/' },
			displayOptions: showFor(field.resource, field.operations, PICKER_VERSIONS),
			modes: folderPickerModes,
		},
	];
}

/** A folder from a folder parameter (picker or text), checked like any path. */
export function readFolder(context: IExecuteFunctions, name: string, displayName: string, itemIndex: number): FolderPath {
	return parseFolderPath(context.getNodeParameter(name, itemIndex, undefined, { extractValue: true }), displayName);
}

/** The absolute path of the file or folder an operation acts on. */
export function pathParameter(resource: string, operations: string[], noun: 'file' | 'folder'): INodeProperties {
	return {
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		required: true,
		placeholder: noun === 'file' ? 'e.g. /Downloads/report.pdf' : 'e.g. /Downloads/2026',
		description: `Absolute path of the ${noun}`,
		displayOptions: showFor(resource, operations),
	};
}

export function returnAllAndLimit(resource: string, operations: string[]): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: showFor(resource, operations),
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: showFor(resource, operations, { returnAll: [false] }),
		},
	];
}

export const entryTypeOption: INodeProperties = {
	displayName: 'Type',
	name: 'type',
	type: 'options',
	default: 'any',
	options: [
		{ name: 'Any', value: 'any', description: 'Files and folders' },
		{ name: 'File', value: 'file' },
		{ name: 'Folder', value: 'folder' },
	],
};

/** The options collection of an operation: its own options, then Timeout. */
export function optionsCollection(resource: string, operations: string[], options: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor(resource, operations),
		options: [...options, timeoutOption],
	};
}

export function readOptions<T extends IDataObject>(context: IExecuteFunctions, itemIndex: number): Partial<T> {
	return context.getNodeParameter('options', itemIndex, {}) as Partial<T>;
}

/** Copy's and Move's target folder. */
export function destinationParameter(resource: string, operation: 'copy' | 'move'): INodeProperties[] {
	return folderParameter({
		name: 'destination',
		displayName: 'Destination',
		description: `Folder to ${operation} the ${resource} into. It must exist.`,
		resource,
		operations: [operation],
	});
}

export function newNameParameter(resource: string): INodeProperties {
	return {
		displayName: 'New Name',
		name: 'newName',
		type: 'string',
		default: '',
		required: true,
		placeholder: resource === 'file' ? 'e.g. report-2026.pdf' : 'e.g. Archive 2026',
		description: `The ${resource}'s new name (a name, not a path)`,
		displayOptions: showFor(resource, ['rename']),
	};
}

export function deleteOptions(resource: string): INodeProperties {
	return optionsCollection(resource, ['delete'], [
		{
			displayName: 'Delete Permanently',
			name: 'permanent',
			type: 'boolean',
			default: false,
			description: `Whether to delete the ${resource} for good instead of moving it to the trash (Cloudreve 4.x; 3.x has no trash and always deletes for good)`,
		},
	]);
}
