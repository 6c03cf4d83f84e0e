/**
 * The layering stays as designed: operations speak in domain terms (client, contract, paths);
 * each generation keeps its dialect in its own folder over the core; the transport never
 * reaches back into the actions; nothing imports in a circle; and published code imports only
 * what n8n's verification allows.
 */
import { readFileSync, readdirSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';

const ROOT = resolve(__dirname, '..');

function sourceFiles(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => {
		const path = join(folder, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	return [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)';/gms)].map((match) => match[1]);
}

/** Import target resolved to a path relative to the repository, or the package name. */
function target(file: string, specifier: string): string {
	return specifier.startsWith('.') ? relative(ROOT, resolve(file, '..', specifier)) : specifier;
}

/** Published files this file imports, as repository paths without extension (index files resolved). */
function localImportsOf(file: string): string[] {
	return importsOf(file)
		.filter((specifier) => specifier.startsWith('.'))
		.map((specifier) => target(file, specifier).replace(/\.ts$/, ''));
}

function transportImportsOf(file: string): string[] {
	return localImportsOf(file).filter((path) => path.startsWith('nodes/Cloudreve/transport'));
}

/** Every elementary cycle's first sighting, as a path that returns to its start. */
function cyclesIn(graph: Map<string, string[]>): string[][] {
	const cycles: string[][] = [];
	const seen = new Set<string>();
	const stack: string[] = [];
	const onStack = new Set<string>();
	const visit = (node: string) => {
		if (onStack.has(node)) {
			const cycle = [...stack.slice(stack.indexOf(node)), node];
			const key = [...cycle.slice(0, -1)].sort().join(' ');
			if (!cycles.some((known) => [...known.slice(0, -1)].sort().join(' ') === key)) cycles.push(cycle);
			return;
		}
		if (seen.has(node)) return;
		seen.add(node);
		stack.push(node);
		onStack.add(node);
		for (const next of graph.get(node) ?? []) visit(next);
		stack.pop();
		onStack.delete(node);
	};
	for (const node of [...graph.keys()].sort()) visit(node);
	return cycles;
}

function importCycles(files: string[]): string[][] {
	const graph = new Map(files.map((file) => [relative(ROOT, file).replace(/\.ts$/, ''), localImportsOf(file)]));
	return cyclesIn(graph);
}

const published = [...sourceFiles(join(ROOT, 'nodes')), ...sourceFiles(join(ROOT, 'credentials'))];

describe('Architecture', () => {
	test('the scan sees the published files and their imports', () => {
		expect(published.length).toBeGreaterThan(10);
		expect(importsOf(join(ROOT, 'nodes/Cloudreve/actions/router.ts'))).toContain('../transport/client');
		expect(importsOf(join(ROOT, 'nodes/Cloudreve/transport/v3/api.ts'))).toContain('../core/transport');
	});

	test('published code imports only n8n-workflow, crypto and its own files', () => {
		const outside = published.flatMap((file) =>
			importsOf(file)
				.filter((specifier) => !specifier.startsWith('.') && !['n8n-workflow', 'crypto'].includes(specifier))
				.map((specifier) => `${relative(ROOT, file)} imports ${specifier}`),
		);
		expect(outside).toEqual([]);
	});

	test('the transport never imports the actions or the node', () => {
		const backwards = sourceFiles(join(ROOT, 'nodes/Cloudreve/transport')).flatMap((file) =>
			importsOf(file)
				.map((specifier) => target(file, specifier))
				.filter((path) => path.startsWith('nodes/Cloudreve/actions') || path.startsWith('nodes/Cloudreve/Cloudreve.node'))
				.map((path) => `${relative(ROOT, file)} imports ${path}`),
		);
		expect(backwards).toEqual([]);
	});

	test('actions use the client, the contract and paths: never the wire protocol or a generation', () => {
		const actions = published.filter((file) => relative(ROOT, file).startsWith('nodes/Cloudreve/actions'));
		const leaks = actions.flatMap((file) =>
			transportImportsOf(file)
				.filter((path) => !['nodes/Cloudreve/transport/client', 'nodes/Cloudreve/transport/contract', 'nodes/Cloudreve/transport/paths'].includes(path))
				.map((path) => `${relative(ROOT, file)} imports ${path}`),
		);
		expect(actions.length).toBeGreaterThan(5);
		expect(leaks).toEqual([]);
	});

	test('each generation keeps to its own folder, the core and the contract; the core to itself', () => {
		const allowed: Record<string, string[]> = {
			'nodes/Cloudreve/transport/v3/': ['nodes/Cloudreve/transport/v3/', 'nodes/Cloudreve/transport/core/', 'nodes/Cloudreve/transport/contract', 'nodes/Cloudreve/transport/paths'],
			'nodes/Cloudreve/transport/v4/': ['nodes/Cloudreve/transport/v4/', 'nodes/Cloudreve/transport/core/', 'nodes/Cloudreve/transport/contract', 'nodes/Cloudreve/transport/paths'],
			'nodes/Cloudreve/transport/core/': ['nodes/Cloudreve/transport/core/', 'nodes/Cloudreve/transport/contract', 'nodes/Cloudreve/transport/paths'],
		};
		const strays = published.flatMap((file) => {
			const own = Object.keys(allowed).find((folder) => relative(ROOT, file).startsWith(folder));
			if (own === undefined) return [];
			return transportImportsOf(file)
				.filter((path) => !allowed[own].some((prefix) => path.startsWith(prefix)))
				.map((path) => `${relative(ROOT, file)} imports ${path}`);
		});
		expect(strays).toEqual([]);
	});

	test('no import cycles among published files (type-only imports count too)', () => {
		expect(importCycles(published)).toEqual([]);
	});

	test('the cycle check finds a cycle when there is one', () => {
		const graph = new Map([
			['a', ['b']],
			['b', ['c']],
			['c', ['a']],
			['d', ['a']],
		]);
		expect(cyclesIn(graph)).toEqual([['a', 'b', 'c', 'a']]);
	});

	test('the credential shares the login with the node through the session module only', () => {
		const credential = join(ROOT, 'credentials/CloudreveApi.credentials.ts');
		expect(importsOf(credential).map((specifier) => target(credential, specifier))).toEqual(['n8n-workflow', 'nodes/Cloudreve/transport/session']);
	});
});
