import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { folderPickerModes } from './actions/common.descriptions';
import { searchFolders } from './methods/listSearch';
import { CloudreveClient } from './transport/client';
import type { CloudreveApi, TaskStatus } from './transport/contract';
import { CloudreveError } from './transport/contract';
import { InputError, formatPath, parseFolderPath } from './transport/paths';
import type { DownloadState } from './trigger/downloads';
import { FINISHED, baseline as downloadBaseline, finishedSince, recentFinished } from './trigger/downloads';
import type { FileState } from './trigger/files';
import { addedSince, baseline as fileBaseline, listEntries, newestEntries } from './trigger/files';

type Event = 'downloadFinished' | 'fileAdded';

/** Where each event keeps its state in the node's static data. */
const STATE_KEY: Record<Event, string> = { downloadFinished: 'downloads', fileAdded: 'files' };

export class CloudreveTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Cloudreve Trigger',
		name: 'cloudreveTrigger',
		icon: { light: 'file:../../icons/cloudreve.svg', dark: 'file:../../icons/cloudreve.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "fileAdded" ? "New File in Folder" : "Offline Download Finished"}}',
		description: 'Starts the workflow when an offline download finishes or a new file appears in a folder of a Cloudreve drive (3.x and 4.x)',
		defaults: { name: 'Cloudreve Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'cloudreveApi', required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'New File in Folder',
						value: 'fileAdded',
						description: 'One item per file or folder that appeared in the folder since the last check (uploads, copies, offline downloads)',
					},
					{
						name: 'Offline Download Finished',
						value: 'downloadFinished',
						description: 'One item per offline download that completed, failed or was canceled since the last check',
					},
				],
				default: 'downloadFinished',
			},
			{
				displayName: 'Folder',
				name: 'folder',
				type: 'resourceLocator',
				default: { mode: 'list', value: '/' },
				required: true,
				description: 'The folder to watch',
				displayOptions: { show: { event: ['fileAdded'] } },
				modes: folderPickerModes,
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { event: ['downloadFinished'] } },
				options: [
					{
						displayName: 'Statuses',
						name: 'statuses',
						type: 'multiOptions',
						options: [
							{ name: 'Canceled', value: 'canceled' },
							{ name: 'Completed', value: 'completed' },
							{ name: 'Failed', value: 'failed' },
						],
						default: ['completed', 'failed', 'canceled'],
						description: 'Which endings start the workflow; the others pass silently',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				displayOptions: { show: { event: ['fileAdded'] } },
				options: [
					{
						displayName: 'Include Subfolders',
						name: 'includeSubfolders',
						type: 'boolean',
						default: false,
						description: 'Whether to watch the folders below the folder too (each is listed on every check, up to 500 folders)',
					},
				],
			},
		],
	};

	methods = { listSearch: { searchFolders } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event', 'downloadFinished') as Event;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const manual = this.getMode() === 'manual';
		// Static data is saved only by active polls; a test run ("Fetch Test Event") leaves it alone.
		const staticData = this.getWorkflowStaticData('node');
		const stored = staticData[STATE_KEY[event]] as IDataObject | undefined;
		const { items, state } = await check(this, event, stored, manual, options).catch((error: unknown) => {
			// Nothing was stored: the next poll starts from the same state and catches up.
			throw asNodeError(this, error);
		});
		if (!manual && state !== undefined) staticData[STATE_KEY[event]] = state as unknown as IDataObject;
		if (items.length > 0) return [this.helpers.returnJsonArray(items)];
		if (!manual) return null;
		throw new NodeOperationError(this.getNode(), event === 'fileAdded' ? 'The folder has no files or folders yet' : 'No finished offline downloads yet', {
			description: 'Add one in Cloudreve (or with the Cloudreve node), then fetch a test event again to see the output.',
		});
	}
}

async function check(context: IPollFunctions, event: Event, stored: IDataObject | undefined, manual: boolean, options: IDataObject): Promise<Outcome> {
	const client = new CloudreveClient(context);
	const api = await client.api();
	const server = `${client.server.generation} ${client.serverUrl}`;
	if (event === 'fileAdded') return await pollFiles(context, api, server, stored, manual);
	return await pollDownloads(api, server, stored, manual, readStatuses(options));
}

function asNodeError(context: IPollFunctions, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof InputError || (error instanceof CloudreveError && error.kind === 'config')) {
		return new NodeOperationError(context.getNode(), error.message, { description: error.description, level: 'warning' });
	}
	if (error instanceof CloudreveError) {
		const response: JsonObject = { message: error.message };
		if (error.cloudreveCode !== undefined) response.code = error.cloudreveCode;
		return new NodeApiError(context.getNode(), response, { message: error.message, description: error.description, level: 'warning' });
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error);
}

function readStatuses(options: IDataObject): TaskStatus[] {
	const chosen = Array.isArray(options.statuses) ? (options.statuses as TaskStatus[]) : [...FINISHED];
	return chosen.length === 0 ? [...FINISHED] : chosen;
}

type Outcome = { items: IDataObject[]; state?: object };

async function pollDownloads(api: CloudreveApi, server: string, stored: IDataObject | undefined, manual: boolean, statuses: TaskStatus[]): Promise<Outcome> {
	if (manual) return { items: await recentFinished(api, statuses) };
	const state = stored as unknown as DownloadState | undefined;
	if (state === undefined || state.server !== server || !Array.isArray(state.ids)) return { items: [], state: await downloadBaseline(api, server) };
	const result = await finishedSince(api, state);
	return { items: result.items.filter((task) => statuses.includes(task.status)), state: result.state };
}

async function pollFiles(context: IPollFunctions, api: CloudreveApi, server: string, stored: IDataObject | undefined, manual: boolean): Promise<Outcome> {
	const folder = parseFolderPath(context.getNodeParameter('folder', undefined, { extractValue: true }), 'Folder');
	const { includeSubfolders = false } = context.getNodeParameter('options', {}) as { includeSubfolders?: boolean };
	const entries = await listEntries(api, folder, includeSubfolders);
	if (manual) return { items: newestEntries(entries) };
	const where = { server, folder: formatPath(folder), recursive: includeSubfolders };
	const state = stored as unknown as FileState | undefined;
	if (state === undefined || state.server !== where.server || state.folder !== where.folder || state.recursive !== where.recursive || !Array.isArray(state.ids)) {
		return { items: [], state: fileBaseline(entries, where) };
	}
	return addedSince(entries, state);
}
