/**
 * Offline-download tasks of the fake server: 3.x /aria2/* and 4.x /workflow/* (doc §5 of
 * cloudreve-api.md, §6 of cloudreve-api-wave2.md). Tasks live in `server.tasks`.
 */
import { randomBytes, randomUUID } from 'crypto';

import type { FakeCloudreve, Reply, RouteContext, Task } from './server';
import { versionAtLeast } from './util';

function addV3(server: FakeCloudreve, email: string, body: Record<string, unknown>): Reply {
	const batch = versionAtLeast(server.version, '3.5.3');
	const urls = body.url;
	if (batch ? !Array.isArray(urls) : typeof urls !== 'string') return server.fail(40001, 'JSON marshall error');
	if (typeof body.dst !== 'string' || body.dst === '') return server.fail(40001, server.atLeast36 ? 'Dst cannot be empty' : '目标路径不能为空');
	if (!server.options.groupAllowsRemoteDownload) return server.fail(40007, server.atLeast36 ? '' : '当前用户组无法进行此操作');
	const list = batch ? (urls as unknown[]).map(String) : [urls as string];
	if (batch && list.length > server.options.aria2BatchSize) return server.fail(40015, server.atLeast36 ? '' : '超出批量离线下载数量限制');
	const dst = body.dst;
	const folder = server.tree(email).get(dst);
	if (!dst.startsWith('/') || (dst !== '/' && dst.endsWith('/')) || !folder || folder.type !== 'folder') {
		return server.atLeast36 ? server.fail(40016, '') : server.fail(404, '存放路径不存在');
	}
	const results = list.map((url) => {
		if (server.options.aria2 === 'noNode') return { code: 50005, msg: server.atLeast36 ? 'Failed to get Aria2 instance' : 'Aria2 实例获取失败' };
		const failure = server.failingUrls.get(url);
		if (failure !== undefined) return { code: failure, msg: server.atLeast36 ? 'Failed to create task' : '任务创建失败' };
		server.tasks.push({ id: randomBytes(8).toString('hex'), url, dst, owner: email, createdAt: new Date().toISOString() });
		return { code: 0, msg: '' };
	});
	if (batch) return server.ok(results);
	return results[0].code === 0 ? server.ok() : server.fail(results[0].code, results[0].msg);
}

function taskJsonV4(task: Task) {
	return {
		id: task.id,
		status: 'queued',
		type: 'remote_download',
		created_at: task.createdAt,
		updated_at: task.createdAt,
		summary: { phase: '', props: { download: null, dst: task.dst, failed: 0, src: '', src_str: task.url } },
	};
}

function addV4(server: FakeCloudreve, email: string, body: Record<string, unknown>): Reply {
	if (!server.options.groupAllowsRemoteDownload) return server.fail(40007, 'Group not allowed to download files');
	const src = body.src;
	if (!Array.isArray(src) || src.length === 0) return server.fail(40001, 'No source files');
	const parsed = server.parseUri(body.dst);
	if (typeof parsed === 'string') return server.fail(40001, 'Invalid destination');
	const dst = `/${parsed.names.join('/')}`;
	if (!server.tree(email).has(dst)) return server.fail(40016, 'Invalid destination');
	if (src.length > server.options.aria2BatchSize) return server.fail(40015, 'Too many URLs');
	const failures: Record<string, unknown> = {};
	const created: Task[] = [];
	for (const url of src.map(String)) {
		const code = server.failingUrls.get(url);
		if (code !== undefined) {
			failures[url] = { code, msg: 'Failed to create download task', correlation_id: randomUUID() };
			continue;
		}
		const task = { id: server.newId(), url, dst: body.dst as string, owner: email, createdAt: new Date().toISOString() };
		server.tasks.push(task);
		created.push(task);
	}
	const failed = Object.keys(failures);
	if (failed.length > 0) {
		const msg = failed.length === 1 ? 'Failed to create download task' : 'One or more operation failed';
		return server.fail(40081, msg, { aggregated_error: failures });
	}
	return server.ok(created.map((task) => taskJsonV4(task)));
}

export function taskRoutes({ server, method, route, body, query, email }: RouteContext): Reply | undefined {
	const key = `${server.generation} ${method} ${route}`;
	const known = ['v3 POST /aria2/url', 'v3 GET /aria2/downloading', 'v4 POST /workflow/download', 'v4 GET /workflow'];
	if (!known.includes(key)) return undefined;
	if (!email) return server.generation === 'v3' ? server.loginRequiredV3() : server.loginRequiredV4();
	switch (key) {
		case 'v3 POST /aria2/url':
			return addV3(server, email, body);
		case 'v3 GET /aria2/downloading':
			return server.ok(server.tasks.filter((t) => t.owner === email).map((t) => ({ name: t.url, dst: t.dst, status: 0, info: { gid: t.id } })));
		case 'v4 POST /workflow/download':
			return addV4(server, email, body);
		default: {
			const size = Number(query.get('page_size'));
			if (!query.get('category') || !(size >= 10 && size <= 100)) return server.fail(40001, 'Parameter error');
			return server.ok({ tasks: server.tasks.filter((t) => t.owner === email).map((t) => taskJsonV4(t)), pagination: { page: 0, page_size: size } });
		}
	}
}
