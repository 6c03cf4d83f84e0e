/**
 * The layering stays as designed: operations speak in domain terms, the transport never reaches
 * back into the actions, and published code imports only what n8n's verification allows.
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

const published = [...sourceFiles(join(ROOT, 'nodes')), ...sourceFiles(join(ROOT, 'credentials'))];

describe('Architecture', () => {
	test('the scan sees the published files and their imports', () => {
		expect(published.length).toBeGreaterThan(10);
		expect(importsOf(join(ROOT, 'nodes/Cloudreve/actions/router.ts'))).toContain('../transport/client');
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

	test('operations use the client and domain types, not the wire protocol or a generation', () => {
		const wire = ['protocol', 'session', 'v3', 'v4', 'versions'].map((name) => `nodes/Cloudreve/transport/${name}`);
		const leaks = published
			.filter((file) => file.endsWith('.operation.ts'))
			.flatMap((file) =>
				importsOf(file)
					.map((specifier) => target(file, specifier))
					.filter((path) => wire.includes(path))
					.map((path) => `${relative(ROOT, file)} imports ${path}`),
			);
		expect(leaks).toEqual([]);
	});

	test('the credential shares the login with the node through the session module only', () => {
		const credential = join(ROOT, 'credentials/CloudreveApi.credentials.ts');
		expect(importsOf(credential).map((specifier) => target(credential, specifier))).toEqual(['n8n-workflow', 'nodes/Cloudreve/transport/session']);
	});
});
