// n8n-core keeps instance settings (and an encryption key) in a user folder: give the whole run a
// throwaway one (the workers inherit the environment); global-teardown.ts removes it.
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export default function globalSetup(): void {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'n8n-cloudreve-test-'));
	process.env.N8N_ENCRYPTION_KEY = 'test-encryption-key';
	process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
}
