/** `npm run dev` options: flags and environment choose a real Cloudreve or the sandbox. */
import { optionsFrom } from '../scripts/dev';

describe('npm run dev options', () => {
	test('defaults: the sandbox speaking Cloudreve 3.8.3, n8n 2.x on port 5678', () => {
		const options = optionsFrom([], {});
		expect(options).toMatchObject({ n8nLine: 2, port: 5678, sandboxPort: 8765, sandboxVersion: '3.8.3' });
		expect(options.cloudreve).toBeUndefined();
		expect(options.userFolder).toMatch(/n8n-nodes-cloudreve\/dev-home$/);
	});

	test('flags point it at a real Cloudreve and skip the sandbox', () => {
		const options = optionsFrom(['--cloudreve-url', 'https://cloud.example.com', '--email=me@example.com', '--password', 'p4ss', '--api-version', 'v4', '--port', '5700'], {});
		expect(options.cloudreve).toEqual({ url: 'https://cloud.example.com', email: 'me@example.com', password: 'p4ss', apiVersion: 'v4' });
		expect(options.port).toBe(5700);
	});

	test('environment variables do the same', () => {
		const options = optionsFrom([], { CLOUDREVE_URL: 'https://c.example', CLOUDREVE_EMAIL: 'a@b.c', CLOUDREVE_PASSWORD: 'pw12', SANDBOX_VERSION: '4.0.0', N8N_LINE: '1' });
		expect(options.cloudreve).toMatchObject({ url: 'https://c.example', email: 'a@b.c', apiVersion: 'auto' });
		expect(options.n8nLine).toBe(1);
		expect(options.sandboxVersion).toBe('4.0.0');
	});

	test('a real Cloudreve without email or password is refused with a message naming both', () => {
		expect(() => optionsFrom(['--cloudreve-url', 'https://c.example'], {})).toThrow('--cloudreve-url needs --email and --password');
	});
});
