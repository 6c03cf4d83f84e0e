/**
 * An item's output that comes only after every item of the execution was sent: the router
 * collects these and settles them in item order once the last item has run. Operations that
 * follow tasks over time (Add Offline Download finding 3.x task ids, or waiting) use it, so that
 * one poll of the task list serves all items instead of one poll per item.
 */
import type { INodeExecutionData } from 'n8n-workflow';

export class Later {
	constructor(readonly settle: () => Promise<INodeExecutionData[]>) {}
}
