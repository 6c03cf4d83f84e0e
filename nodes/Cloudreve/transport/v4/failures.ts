/**
 * 4.x batch endpoints (/file/url, /file/move, DELETE /file, /file/source) answer a failure of
 * even a single URI as 40081 "batch not fully completed", with the real reason per URI in
 * `aggregated_error` (wave2 §3.2, §4.2, §5.3). We send one URI at a time, so the first inner
 * envelope is the one that says what went wrong.
 */
import type { CloudreveError, CodeContext } from '../core/errors';
import type { Envelope } from '../core/http';
import type { Transport } from '../core/transport';

export const BATCH_NOT_FULLY_COMPLETED = 40081;

/** The inner envelope of a 40081 reply, or the reply itself. */
export function innerEnvelope(reply: Envelope): Envelope {
	if (reply.code !== BATCH_NOT_FULLY_COMPLETED || !reply.aggregated_error) return reply;
	const inner = Object.values(reply.aggregated_error)[0];
	return inner && typeof inner.code === 'number' ? { code: inner.code, msg: inner.msg } : reply;
}

/** The error for a non-zero reply of a batch endpoint, worded by its inner code. */
export function batchFailure(transport: Transport, reply: Envelope, context: CodeContext): CloudreveError {
	return transport.failure(innerEnvelope(reply), context);
}
