/** A small route table for the fake server's domain modules: method + path pattern → handler. */
import type { Reply, RouteContext } from './server';
import { versionAtLeast } from './util';

export interface Route {
	method: string | string[];
	/** Matched against RouteContext.route; capture groups become `params` (percent-decoded). */
	path: RegExp;
	/** Answers without a login (signed URLs, provider callbacks). */
	anonymous?: boolean;
	/** The first version with this route (older ones answer 404 as for any unknown route). */
	since?: string;
	/** The first version without it. */
	until?: string;
	handler: (context: RouteContext & { email: string }, params: string[]) => Reply | Promise<Reply>;
}

/** The first route that matches, or undefined when none does (the next domain gets the request). */
export type Routes = Route[];

export function dispatch(routes: Routes, context: RouteContext, loginRequired: () => Reply): Reply | Promise<Reply> | undefined {
	for (const route of routes) {
		const methods = Array.isArray(route.method) ? route.method : [route.method];
		if (!methods.includes(context.method)) continue;
		if (route.since && !versionAtLeast(context.server.version, route.since)) continue;
		if (route.until && versionAtLeast(context.server.version, route.until)) continue;
		const match = route.path.exec(context.route);
		if (!match) continue;
		let params: string[];
		try {
			params = match.slice(1).map((param) => decodeURIComponent(param ?? ''));
		} catch {
			return { status: 400, contentType: 'text/plain', body: '400 bad request' };
		}
		if (!route.anonymous && !context.email) return loginRequired();
		return route.handler(context as RouteContext & { email: string }, params);
	}
	return undefined;
}
