/**
 * Realistic-looking fake secrets, assembled at run time so no secret-shaped literal sits in the
 * repository (and push-protection scanners stay quiet).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** AWS's documented example key pair (secretlint ignores these two; our own patterns must not). */
export const AWS_ACCESS_KEY_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
export const AWS_SECRET_ACCESS_KEY = ['wJalrXUtnFEMI', 'K7MDENG', 'bPxRfiCYEXAMPLEKEY'].join('/');
/** A temporary (STS) key id. */
export const AWS_SESSION_KEY_ID = ['ASIA', 'Y34FZKBOKMUTVV7A'].join('');

export const SLACK_BOT_TOKEN = ['xoxb', '123456789012', '1234567890123', 'AbCdEfGhIjKlMnOpQrStUvWx'].join(
  '-',
);
export const SLACK_APP_TOKEN = ['xapp', '1', 'A0123456789', '1234567890123', 'abcdef0123456789abcdef'].join(
  '-',
);
export const GITHUB_TOKEN = ['ghp', 'R3aLiStIcL00k1nGt0k3nV4lu3AbCdEf12345'].join('_');
export const GITHUB_PAT = [
  'github',
  'pat',
  '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789',
].join('_');
/** npm access token: only secretlint knows this shape, so it proves the engine ran. */
export const NPM_TOKEN = ['npm', 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789'].join('_');

function base64url(value: object | Buffer): string {
  const buffer = Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value));
  return buffer.toString('base64url');
}

/** Shaped like a projected service-account token (RS256, kubernetes.io claims). */
export function serviceAccountJwt(): string {
  const header = { alg: 'RS256', kid: 'Xk2p8Q7d1F0aZ9b6yV3nM5cL4tR8wH2sJ1gE0uI7oP' };
  const payload = {
    aud: ['https://kubernetes.default.svc.cluster.local'],
    exp: 1_796_000_000,
    iat: 1_764_464_000,
    iss: 'https://kubernetes.default.svc.cluster.local',
    'kubernetes.io': {
      namespace: 'shop',
      pod: { name: 'checkout-7d9f' },
      serviceaccount: { name: 'default' },
    },
    sub: 'system:serviceaccount:shop:default',
  };
  return `${base64url(header)}.${base64url(payload)}.${base64url(randomBytes(256))}`;
}

/** A freshly generated RSA private key in PKCS#8 PEM (never a real one, never the same twice). */
export function privateKeyPem(type: 'pkcs8' | 'pkcs1' = 'pkcs8'): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  return privateKey.export({ type, format: 'pem' }).toString();
}
