/** Two-factor login: RFC 6238 codes, and the 2FA step on 3.x and 4.x with the credential's secret. */
import { DEMO_USER, FakeCloudreve } from './fake-cloudreve/server';
import { CredentialStore, runNode, testCredential } from './harness/n8n';
import { createFolder } from './harness/scenario';
import { decodeBase32Secret, totpCode } from '../nodes/Cloudreve/transport/core/totp';

const SECRET = 'JBSWY3DPEHPK3PXP';

describe('TOTP codes', () => {
	// RFC 6238, appendix B: SHA-1 with the ASCII key "12345678901234567890", 8 digits.
	const rfcKey = Buffer.from('12345678901234567890', 'ascii');
	test.each([
		[59, '94287082'],
		[1111111109, '07081804'],
		[1111111111, '14050471'],
		[1234567890, '89005924'],
		[2000000000, '69279037'],
		[20000000000, '65353130'],
	])('at %d s the code is %s', (seconds, code) => {
		expect(totpCode(rfcKey, seconds * 1000, 8)).toBe(code);
		// Cloudreve's 6-digit codes are the last six digits.
		expect(totpCode(rfcKey, seconds * 1000)).toBe(code.slice(2));
	});

	test('the base32 form of the RFC key decodes to the same key, spaces and case ignored', () => {
		expect(decodeBase32Secret('gezd gnbv gy3t qojq gezd gnbv gy3t qojq')).toEqual(rfcKey);
	});

	test('a 6-digit code instead of the secret is refused with a message about the field', () => {
		expect(() => decodeBase32Secret('123456')).toThrow('The credential\'s 2FA Secret (TOTP) is not a base32 secret');
	});
});

describe.each(['3.8.3', '3.4.3', '4.0.0'])('Two-factor login on Cloudreve %s', (version) => {
	let server: FakeCloudreve;
	beforeEach(async () => {
		server = new FakeCloudreve({ version, users: [{ ...DEMO_USER, totpSecret: SECRET }] });
		await server.start();
	});
	afterEach(async () => await server.stop());

	const store = (extra: Record<string, string> = {}) => CredentialStore.forServer(server.url, DEMO_USER.email, DEMO_USER.password, extra);

	test('with the 2FA secret, the Test button and the node log in', async () => {
		const credential = store({ totpSecret: SECRET });
		expect(await testCredential(credential)).toEqual({ status: 'OK', message: 'Connection successful!' });
		const output = await runNode({ store: credential, parameters: createFolder('/with-2fa') });
		expect(output[0].json.path).toBe('/with-2fa');
		expect(server.stats.logins).toBe(1);
		if (server.generation === 'v3') {
			// The code went to /user/2fa with the cookie of the pending login.
			const step = server.requestsTo('/user/2fa')[0];
			expect(step.body).toEqual({ code: expect.stringMatching(/^\d{6}$/) });
			expect(step.headers.cookie).toMatch(/^cloudreve-session=/);
		} else {
			expect(server.requestsTo('/session/token/2fa')[0].body).toEqual({ otp: expect.stringMatching(/^\d{6}$/), session_id: expect.any(String) });
		}
	});

	test('without the secret, the message says the account has 2FA and where to put the secret', async () => {
		const result = await testCredential(store());
		expect(result.status).toBe('Error');
		expect(result.message).toContain('This Cloudreve account has two-factor authentication (2FA) enabled (Cloudreve code 203');
		const error = await runNode({ store: store(), parameters: createFolder('/x'), continueOnFail: true });
		expect(error[0].json.description).toContain('"2FA Secret (TOTP)"');
	});

	test('a wrong secret gets "Cloudreve rejected the 2FA code"', async () => {
		const result = await testCredential(store({ totpSecret: 'GEZDGNBVGY3TQOJQ' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Cloudreve rejected the 2FA code \(Cloudreve code (40022|40001)/);
	});
});
