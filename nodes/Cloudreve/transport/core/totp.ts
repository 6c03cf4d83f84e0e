/** RFC 6238 time-based one-time passwords (HMAC-SHA-1, 30 s steps), for Cloudreve's 2FA step. */
import { createHmac } from 'crypto';

import { CloudreveError } from './errors';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The secret Cloudreve shows when 2FA is enabled, in base32; spaces, dashes and padding are ignored. */
export function decodeBase32Secret(secret: string): Buffer {
	const text = secret.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
	let bits = '';
	for (const char of text) {
		const value = BASE32.indexOf(char);
		if (value < 0) {
			throw new CloudreveError('The credential\'s 2FA Secret (TOTP) is not a base32 secret', {
				description: 'Enter the secret Cloudreve showed when 2FA was turned on (letters A–Z and digits 2–7), not a 6-digit code.',
				kind: 'config',
			});
		}
		bits += value.toString(2).padStart(5, '0');
	}
	const bytes: number[] = [];
	for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
	return Buffer.from(bytes);
}

/** The code for `timeMs`; RFC 6238's own test vectors use 8 digits, Cloudreve uses 6. */
export function totpCode(key: Buffer, timeMs: number, digits = 6): string {
	const counter = Buffer.alloc(8);
	const step = Math.floor(timeMs / 1000 / 30);
	counter.writeUInt32BE(Math.floor(step / 0x100000000), 0);
	counter.writeUInt32BE(step % 0x100000000, 4);
	const hmac = createHmac('sha1', key).update(counter).digest();
	const offset = hmac[hmac.length - 1] & 0x0f;
	const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
	return (binary % 10 ** digits).toString().padStart(digits, '0');
}
