import type { V1Namespace } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { ProfileChooser } from '../../../src/kube/choose-profile.js';
import type { KubeApi } from '../../../src/kube/create-kube-api.js';
import { aSilentLogger } from '../../helpers/builders.js';

/** A KubeApi that only answers namespace reads, counting them. */
function namespaceApi(labels: Record<string, Record<string, string> | Error>) {
  const calls: string[] = [];
  const api = {
    readNamespace: async (name: string): Promise<V1Namespace> => {
      calls.push(name);
      const found = labels[name];
      if (found instanceof Error) throw found;
      return { metadata: { name, labels: found ?? {} } };
    },
  } as unknown as KubeApi;
  return { api, calls };
}

describe('ProfileChooser', () => {
  it('follows the level when no profile is asked for, and caches the level for the TTL', async () => {
    const { api, calls } = namespaceApi({ secure: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
    let now = 0;
    const chooser = new ProfileChooser(api, aSilentLogger(), 60_000, () => now);
    const both = await Promise.all([
      chooser.choose('secure', undefined, 'general'),
      chooser.choose('secure', undefined, 'general'),
    ]);
    expect(both).toEqual(['restricted', 'restricted']);
    expect(calls).toEqual(['secure']);
    now = 59_000;
    await chooser.choose('secure', undefined, 'general');
    expect(calls).toHaveLength(1);
    now = 61_000;
    await chooser.choose('secure', undefined, 'general');
    expect(calls).toHaveLength(2);
  });

  it('needs no lookup for restricted and refuses what the level forbids', async () => {
    const { api, calls } = namespaceApi({ team: { 'pod-security.kubernetes.io/enforce': 'baseline' } });
    const chooser = new ProfileChooser(api, aSilentLogger());
    expect(await chooser.choose('team', 'restricted', 'general')).toBe('restricted');
    expect(calls).toEqual([]);
    await expect(chooser.choose('team', 'general', 'general')).rejects.toMatchObject({
      code: 'policy_denied',
    });
  });

  it('falls back to the default when the level cannot be read, and does not cache the failure', async () => {
    const { api, calls } = namespaceApi({ hidden: new DebugError('forbidden_rbac', 'no') });
    const logs: Array<{ level: string; meta: object; msg: string }> = [];
    const chooser = new ProfileChooser(api, aSilentLogger(logs));
    expect(await chooser.choose('hidden', undefined, 'general')).toBe('general');
    expect(await chooser.choose('hidden', 'netadmin', 'general')).toBe('netadmin');
    expect(calls).toEqual(['hidden', 'hidden']);
    expect(logs.map((l) => l.msg)).toContain('namespace Pod Security level unknown');
  });
});
