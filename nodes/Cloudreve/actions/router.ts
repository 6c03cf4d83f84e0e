/**
 * Runs the chosen operation once per item. One CloudreveClient serves the whole execution, so the
 * server is detected and logged in to at most once, however many items arrive.
 */
import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CloudreveClient } from '../transport/client';
import { readTimeoutMs } from './common.descriptions';
import { Later } from './later';
import { CloudreveError } from '../transport/contract';
import { InputError } from '../transport/paths';
import * as account from './account/Account.resource';
import * as file from './file/File.resource';
import * as folder from './folder/Folder.resource';
import * as offlineDownload from './offlineDownload/OfflineDownload.resource';
import * as share from './share/Share.resource';

type Operation = (this: IExecuteFunctions, itemIndex: number, client: CloudreveClient) => Promise<INodeExecutionData[] | Later>;

const resources: Record<string, Record<string, { execute: Operation }>> = {
	account: account.operations,
	file: file.operations,
	folder: folder.operations,
	offlineDownload: offlineDownload.operations,
	share: share.operations,
};

/** n8n's error for a failure of item `itemIndex`; our messages are kept, secrets never enter them. */
function toNodeError(context: IExecuteFunctions, error: Error, itemIndex: number): NodeApiError | NodeOperationError {
	const node = context.getNode();
	const message = `${error.message} [item ${itemIndex}]`;
	if (error instanceof InputError || (error instanceof CloudreveError && error.kind === 'config')) {
		return new NodeOperationError(node, message, { itemIndex, description: error.description, level: 'warning' });
	}
	if (error instanceof CloudreveError) {
		const response: JsonObject = { message: error.message };
		if (error.cloudreveCode !== undefined) response.code = error.cloudreveCode;
		return new NodeApiError(node, response, { itemIndex, message, description: error.description, level: 'warning' });
	}
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(node, error, { itemIndex });
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = resources[resource]?.[operation]?.execute;
	if (run === undefined) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);
	}

	const client = new CloudreveClient(this);
	const output: INodeExecutionData[][] = [];
	const later: Array<{ itemIndex: number; results: Later }> = [];
	const runItem = async (itemIndex: number, produce: () => Promise<INodeExecutionData[] | Later>) => {
		try {
			const results = await produce();
			if (results instanceof Later) later.push({ itemIndex, results });
			else output[itemIndex] = results.map((result) => ({ ...result, pairedItem: { item: itemIndex } }));
		} catch (caught) {
			const error = toNodeError(this, caught as Error, itemIndex);
			if (!this.continueOnFail()) throw error;
			const details = caught instanceof CloudreveError ? (caught.details ?? {}) : {};
			output[itemIndex] = [
				{
					json: { ...details, error: error.message, ...(error.description ? { description: error.description } : {}) },
					pairedItem: { item: itemIndex },
				},
			];
		}
	};
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		await runItem(itemIndex, async () => {
			client.timeoutMs = readTimeoutMs(this, itemIndex);
			return await run.call(this, itemIndex, client);
		});
	}
	// Outputs that wait for the whole execution (see Later), in item order.
	for (const { itemIndex, results } of later) await runItem(itemIndex, results.settle);
	return [output.flat()];
}
