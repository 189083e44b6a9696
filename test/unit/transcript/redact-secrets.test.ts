import { describe, expect, it } from 'vitest';
import { mergeSecretRanges, redactSecrets } from '../../../src/transcript/redact-secrets.js';
import {
  AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY,
  AWS_SESSION_KEY_ID,
  GITHUB_PAT,
  GITHUB_TOKEN,
  NPM_TOKEN,
  privateKeyPem,
  SLACK_APP_TOKEN,
  SLACK_BOT_TOKEN,
  serviceAccountJwt,
} from './fake-secrets.js';

describe('redactSecrets: every kind', () => {
  it.each([
    [
      'AWS access key id',
      `aws_access_key_id = ${AWS_ACCESS_KEY_ID}`,
      AWS_ACCESS_KEY_ID,
      '[REDACTED:aws-key]',
    ],
    ['AWS STS key id', `AccessKeyId: ${AWS_SESSION_KEY_ID}`, AWS_SESSION_KEY_ID, '[REDACTED:aws-key]'],
    [
      'AWS secret key',
      `aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}`,
      AWS_SECRET_ACCESS_KEY,
      '[REDACTED:aws-secret]',
    ],
    [
      'AWS secret key (JSON)',
      `"SecretAccessKey": "${AWS_SECRET_ACCESS_KEY}"`,
      AWS_SECRET_ACCESS_KEY,
      '[REDACTED:aws-secret]',
    ],
    ['Slack bot token', `SLACK_BOT=${SLACK_BOT_TOKEN}`, SLACK_BOT_TOKEN, '[REDACTED'],
    ['Slack app token', `token ${SLACK_APP_TOKEN} ok`, SLACK_APP_TOKEN, '[REDACTED:slack-token]'],
    ['GitHub classic token', `remote: ${GITHUB_TOKEN}`, GITHUB_TOKEN, '[REDACTED:github-token]'],
    ['GitHub fine-grained token', `pat ${GITHUB_PAT}`, GITHUB_PAT, '[REDACTED:github-token]'],
    [
      'password= pair',
      'mysql://db?user=app&password=hunter2&ssl=1',
      'hunter2',
      'password=[REDACTED:password]&ssl=1',
    ],
    ['passwd: pair', 'passwd: Tr0ub4dor&3', 'Tr0ub4dor', 'passwd: [REDACTED:password]'],
    ['secret= pair', 'CLIENT_SECRET=s3cr3t-v4lue', 's3cr3t-v4lue', 'CLIENT_SECRET=[REDACTED:password]'],
    ['token= pair', 'GITLAB_TOKEN=glpat-abcdefghij', 'glpat-abcdefghij', 'GITLAB_TOKEN=[REDACTED:password]'],
    ['api_key= pair', '{"api_key": "k-1234567890"}', 'k-1234567890', '{"api_key": "[REDACTED:password]"}'],
    ['URL credentials', 'proxy http://svc:pa55w0rd@proxy.internal:3128', 'pa55w0rd', 'http://svc:[REDACTED'],
  ])('%s', async (_name, input, secret, expected) => {
    const result = await redactSecrets(input);
    expect(result.text).not.toContain(secret);
    expect(result.text).toContain(expected);
    expect(result.count).toBe(1);
  });

  it('masks a service-account JWT, alone and as a bearer token, counting each once', async () => {
    const jwt = serviceAccountJwt();
    const alone = await redactSecrets(`cat /var/run/secrets/kubernetes.io/serviceaccount/token\n${jwt}\n`);
    expect(alone).toEqual({
      text: 'cat /var/run/secrets/kubernetes.io/serviceaccount/token\n[REDACTED:jwt]\n',
      count: 1,
    });
    const header = await redactSecrets(`> Authorization: Bearer ${jwt}\r\n> Accept: */*`);
    expect(header.text).toBe('> Authorization: Bearer [REDACTED:jwt]\r\n> Accept: */*');
    expect(header.count).toBe(1);
  });

  it('masks bearer tokens in lower case and opaque form', async () => {
    const result = await redactSecrets(
      'curl -H "authorization: bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0" http://api',
    );
    expect(result.text).toBe('curl -H "authorization: bearer [REDACTED:bearer]" http://api');
  });

  it('masks whole PEM private key blocks (PKCS#8 and PKCS#1), counted once each', async () => {
    const pkcs8 = privateKeyPem('pkcs8');
    const pkcs1 = privateKeyPem('pkcs1');
    const result = await redactSecrets(`key one:\n${pkcs8}key two:\n${pkcs1}done\n`);
    expect(result.text).toBe('key one:\n[REDACTED:private-key]\nkey two:\n[REDACTED:private-key]\ndone\n');
    expect(result.count).toBe(2);
  });

  it('masks a private key cut off by the output cap up to the end of the text', async () => {
    const pem = privateKeyPem();
    const cut = pem.slice(0, pem.length / 2);
    const result = await redactSecrets(`before\n${cut}`);
    expect(result).toEqual({ text: 'before\n[REDACTED:private-key]', count: 1 });
  });

  it('masks a base64-encoded private key (Secret data) but not an encoded certificate', async () => {
    const encodedKey = Buffer.from(privateKeyPem()).toString('base64');
    const encodedCert = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUXyZ\n').toString(
      'base64',
    );
    const result = await redactSecrets(`tls.key: ${encodedKey}\ntls.crt: ${encodedCert}\n`);
    expect(result.text).toBe(`tls.key: [REDACTED:private-key]\ntls.crt: ${encodedCert}\n`);
  });

  it('uses the secretlint engine too (an npm token only it knows)', async () => {
    const result = await redactSecrets(`//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n`);
    expect(result.text).not.toContain(NPM_TOKEN);
    expect(result.count).toBe(1);
  });

  it('keeps the key name when secretlint reports an AWS secret from the start of the name', async () => {
    const result = await redactSecrets(
      `[default]\naws_secret_access_key=${AWS_SECRET_ACCESS_KEY.replace('EXAMPLE', 'EXAMPLZ')}\n`,
    );
    expect(result).toEqual({ text: '[default]\naws_secret_access_key=[REDACTED:aws-secret]\n', count: 1 });
  });

  it('counts every distinct secret and leaves the text between them alone', async () => {
    const text = [
      `AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}`,
      `AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}`,
      `SLACK_BOT_TOKEN=${SLACK_BOT_TOKEN}`,
      'DB_PASSWORD=correct-horse',
      'HOME=/root',
    ].join('\n');
    const result = await redactSecrets(text);
    expect(result.count).toBe(4);
    expect(result.text.split('\n').at(-1)).toBe('HOME=/root');
    expect(result.text).toContain('AWS_ACCESS_KEY_ID=[REDACTED:aws-key]');
  });

  it('masks an unquoted pair value up to whitespace, quote, comma, semicolon or ampersand: over, never under', async () => {
    const result = await redactSecrets('login failed (password=abc)def) for user=bob; retry');
    expect(result.text).toBe('login failed (password=[REDACTED:password] for user=bob; retry');
  });

  it('handles a leading byte-order mark without shifting ranges', async () => {
    const result = await redactSecrets(`\uFEFFtoken: ${NPM_TOKEN}`);
    expect(result.text).toBe('\uFEFFtoken: [REDACTED:password]');
  });
});

describe('redactSecrets: directives in the output cannot switch redaction off', () => {
  it.each([
    ['// secretlint-disable', `// secretlint-disable\n${NPM_TOKEN}\n${GITHUB_TOKEN}\n// secretlint-enable`],
    ['# secretlint-disable-next-line', `# secretlint-disable-next-line\n${NPM_TOKEN} ${GITHUB_TOKEN}`],
    ['secretlint-disable-line', `${NPM_TOKEN} ${GITHUB_TOKEN} // secretlint-disable-line`],
    ['<!-- secretlint-disable -->', `<!-- secretlint-disable -->\n${NPM_TOKEN}\n${GITHUB_TOKEN}`],
    [
      'a rule-specific directive',
      `/* secretlint-disable @secretlint/secretlint-rule-npm */ ${NPM_TOKEN} ${GITHUB_TOKEN}`,
    ],
  ])('%s', async (_name, input) => {
    const result = await redactSecrets(input);
    expect(result.text).not.toContain(NPM_TOKEN);
    expect(result.text).not.toContain(GITHUB_TOKEN);
    expect(result.count).toBe(2);
    expect(result.text).toContain('secretlint-');
  });
});

describe('redactSecrets: no over-redaction', () => {
  it('leaves ordinary diagnostics alone', async () => {
    const text = [
      'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND',
      'root           1  0.0  0.1   1624   948 ?        Ss   12:00   0:00 /pause',
      'app           17  2.3  4.5 812345 91234 ?        Sl   12:00   1:02 node server.js --port=8080',
      'PWD=/app',
      'HOME=/home/app',
      'Tokens:              <none>',
      'Mountable secrets:   default-token-abcde',
      'password: ********',
      'password=$DB_PASSWORD',
      'token: <redacted>',
      'He was the bearer of bad news; bearer authentication is required.',
      'tcp   LISTEN 0  4096  0.0.0.0:8080  0.0.0.0:*  users:(("node",pid=17,fd=20))',
      'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
      'Image ID: docker.io/library/busybox@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
    ].join('\n');
    expect(await redactSecrets(text)).toEqual({ text, count: 0 });
  });

  it('returns empty text unchanged', async () => {
    expect(await redactSecrets('')).toEqual({ text: '', count: 0 });
  });
});

describe('redactSecrets: linear time on hostile input', () => {
  const MIB = 1024 * 1024;
  const fill = (unit: string) => unit.repeat(Math.ceil(MIB / unit.length)).slice(0, MIB);
  it.each([
    ['one long word', fill('a')],
    ['spaces', fill(' ')],
    ['JWT prefixes', fill('eyJ')],
    ['JWT-like chains', fill('eyJab.eyJab.')],
    ['pair keys', fill('password=')],
    ['pair keys with quotes', fill('token:"')],
    ['Slack-ish', `xoxb-${fill('a-')}`],
    ['PEM openings without END', fill('-----BEGIN RSA PRIVATE KEY-----\n')],
    ['URL credentials', fill('http://a:')],
    ['bearer words', fill('bearer ')],
    ['AWS prefixes', fill('AKIA')],
    ['aws secret names', fill('aws_secret_access_key=')],
    ['secretlint directives', fill('secretlint-disable ')],
    ['base64 PEM prefixes', fill('LS0tLS1CRUdJT')],
  ])('%s (1 MiB) finishes well under a second', async (_name, input) => {
    const started = performance.now();
    await redactSecrets(input);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('redacts a 1 MiB log with secrets sprinkled through it', async () => {
    const line = 'GET /healthz 200 1ms user-agent=kube-probe/1.31\n';
    const body = line.repeat(Math.floor((1024 * 1024) / line.length));
    const text = `${body}password=first-one\n${body}${GITHUB_TOKEN}\n`;
    const started = performance.now();
    const result = await redactSecrets(text);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.count).toBe(2);
    expect(result.text).not.toContain(GITHUB_TOKEN);
  });
});

describe('redactSecrets: secretlint profiler housekeeping', () => {
  it('leaves no secretlint performance marks behind, even for concurrent calls', async () => {
    await Promise.all(Array.from({ length: 50 }, (_, i) => redactSecrets(`line ${i} ${NPM_TOKEN}`)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const leftovers = performance.getEntries().filter((entry) => entry.name.startsWith('@core>'));
    expect(leftovers).toEqual([]);
  });
});

describe('mergeSecretRanges', () => {
  it('merges overlaps, keeps touching ranges apart and prefers the specific kind', () => {
    expect(
      mergeSecretRanges([
        { start: 10, end: 20, kind: 'password' },
        { start: 0, end: 5, kind: 'secret' },
        { start: 15, end: 30, kind: 'jwt' },
        { start: 30, end: 32, kind: 'secret' },
        { start: 40, end: 40, kind: 'secret' },
      ]),
    ).toEqual([
      { start: 0, end: 5, kind: 'secret' },
      { start: 10, end: 30, kind: 'jwt' },
      { start: 30, end: 32, kind: 'secret' },
    ]);
  });
});
