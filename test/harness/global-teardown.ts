import { rmSync } from 'fs';

export default function globalTeardown(): void {
	const folder = process.env.N8N_USER_FOLDER;
	if (folder && folder.includes('n8n-cloudreve-test-')) rmSync(folder, { recursive: true, force: true });
}
