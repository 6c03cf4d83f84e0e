/**
 * What a generation's folder needs from the node's client: send API requests through n8n with
 * the session, read files as streams, talk to storage providers, and word failures. The client
 * implements it; v3/ and v4/ only see this interface, so they never import the client.
 */
import type { IDataObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import type { CloudreveError, CodeContext } from './errors';
import type { Envelope, RetryPolicy } from './http';
import type { ServerInfo } from './server';

export interface ApiRequest {
	method: IHttpRequestOptions['method'];
	/** Below /api/vN, with the query string if any. */
	path: string;
	/** JSON, or a Buffer for raw bytes (a chunk): Buffers can be sent again after a re-login. */
	body?: IDataObject | IDataObject[] | Buffer;
	headers?: Record<string, string>;
	retry?: RetryPolicy;
}

export interface Transport {
	readonly server: ServerInfo;
	/** The normalized Server URL, e.g. https://cloud.example.com/cloudreve. */
	readonly serverUrl: string;
	/** Sends one API request with the session and returns the envelope, whatever its code. */
	request(request: ApiRequest): Promise<Envelope>;
	/** The error for a non-zero envelope, in words for what the request was for. */
	failure(envelope: Envelope, context: CodeContext): CloudreveError;
	/** GETs a file's bytes (a signed URL: no session needed) as a stream. */
	openStream(url: string): Promise<IN8nHttpFullResponse>;
	/** A request to a storage provider's pre-signed URL: no Cloudreve session, no envelope. */
	external(options: IHttpRequestOptions): Promise<IN8nHttpFullResponse>;
}
