import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { aRestrictedPod, LEAST_PRIVILEGE_RULES, type RbacRule } from '../../fakes/kube-apiserver/index.js';
import { aPlan, type KubeKit, runPlan, startKubeKit } from './kube-test-kit.js';

/** Every rule of every (Cluster)Role in deploy/rbac.yaml. */
function shippedRules(): RbacRule[] {
  const docs = parseAllDocuments(readFileSync('deploy/rbac.yaml', 'utf8')).map(
    (d) => d.toJS() as Record<string, unknown>,
  );
  return docs
    .filter((d) => d.kind === 'ClusterRole' || d.kind === 'Role')
    .flatMap((d) => d.rules as RbacRule[]);
}

let kit: KubeKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

describe('deploy/rbac.yaml', () => {
  it('grants exactly the least-privilege set: no exec, no secrets, no pod writes, no wildcards', () => {
    const rules = shippedRules();
    const grants = rules.flatMap((r) =>
      r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroups.join('')}:${res}:${v}`)),
    );
    const expected = LEAST_PRIVILEGE_RULES.flatMap((r) =>
      r.resources.flatMap((res) => r.verbs.map((v) => `${r.apiGroups.join('')}:${res}:${v}`)),
    );
    expect(grants.sort()).toEqual(expected.sort());
    expect(grants.join(' ')).not.toMatch(/exec|secrets|\*|:pods:(patch|update|delete|create)/);
  });

  it('every call of a full run, retries and re-reads included, stays inside the shipped rules', async () => {
    kit = await startKubeKit();
    kit.fake.rbacAllow = shippedRules();
    kit.fake.addNamespace('secure', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    kit.fake.addPod(aRestrictedPod('api-1', 'secure', 1000));
    kit.fake.inject({ method: 'PATCH', times: 1, respond: { status: 409 } });
    kit.fake.inject({
      path: /\/log$/,
      query: { follow: 'true' },
      times: 1,
      respond: 'cut-after-bytes',
      bytes: 40,
    });
    const target = { namespace: 'secure', kind: 'pod' as const, name: 'api-1' };
    const { outcome } = await runPlan(
      kit,
      aPlan({
        target,
        profile: undefined,
        commands: [
          ['echo', 'a'],
          ['echo', 'b'],
        ],
      }),
    );
    expect(outcome.state).toBe('completed');
    await runPlan(kit, aPlan({ target: { namespace: 'shop', kind: 'selector', name: 'app=web-1' } }));
    expect(kit.fake.requests.length).toBeGreaterThanOrEqual(10);
    expect(kit.fake.requests.filter((r) => !r.allowed).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const kinds = new Set(
      kit.fake.requests.map(
        (r) => `${r.attributes.verb} ${r.attributes.resource}/${r.attributes.subresource}`,
      ),
    );
    expect([...kinds].sort()).toEqual([
      'get namespaces/',
      'get pods/',
      'get pods/log',
      'list pods/',
      'patch pods/ephemeralcontainers',
      'watch pods/',
    ]);
  });
});
