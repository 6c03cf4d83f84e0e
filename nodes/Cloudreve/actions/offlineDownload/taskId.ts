/** The Task ID parameter of Get and Cancel, checked before anything is sent. */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { InputError, describeValue } from '../../transport/paths';
import { optionsCollection, showFor } from '../common.descriptions';

/** Get's and Cancel's parameters: the task, and the options (Timeout). */
export function taskIdParameters(operation: 'get' | 'cancel', description: string): INodeProperties[] {
	return [
		{
			displayName: 'Task ID',
			name: 'taskId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 66aa3a1e63a32298 (3.x) or lkT2 (4.x)',
			description,
			displayOptions: showFor('offlineDownload', [operation]),
		},
		optionsCollection('offlineDownload', [operation]),
	];
}

export function readTaskId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter('taskId', itemIndex) as unknown;
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string') throw new InputError(`Invalid Task ID: expected the taskId of an offline download, got ${describeValue(value)}`);
	if (text.trim() === '') {
		throw new InputError('Invalid Task ID: it is empty', 'Map it to the taskId of an earlier Add Offline Download or Get Many, e.g. {{ $json.taskId }}.');
	}
	return text.trim();
}
