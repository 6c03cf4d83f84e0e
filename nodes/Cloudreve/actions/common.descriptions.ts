/** Parameters several operations share. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError } from '../transport/paths';
import { DEFAULT_TIMEOUT_MS } from '../transport/client';

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
