import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFromTerminal } from '../../../src/main/run-from-terminal.js';
import { aPod, type FakeKubeApi, startFakeKubeApi } from '../../fakes/kube-apiserver/index.js';

function capture() {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { out, text: () => text };
}

describe('k8s-debug-bot run (terminal front end: same parser, policy and engine; no Slack, no Redis)', () => {
  let kube: FakeKubeApi;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    kube = await startFakeKubeApi();
    kube.addNamespace('shop');
    kube.addPod(aPod('web-1', 'shop'));
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    const kubeconfig = join(dir, 'config');
    const server = kube.kubeConfigOptions().clusters[0]!.server;
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true\nusers:\n- name: me\n  user:\n    token: t\ncontexts:\n- name: fake\n  context: {cluster: fake, user: me, namespace: shop}\ncurrent-context: fake\n`,
    );
    env = {
      KUBECONFIG: kubeconfig,
      CONFIG_FILE: 'config/default.yaml',
      USER: 'tester',
      LOG_LEVEL: process.env.T_LOG ?? 'silent',
    };
  });
  afterEach(async () => {
    await kube.close();
  });

  it('prints the transcript and exits with the command exit code', async () => {
    const { out, text } = capture();
    const code = await runFromTerminal(
      ['web-1', '-n', 'shop', '--', 'sh', '-c', 'echo from-terminal; exit 3'],
      env,
      out,
    );
    expect(code).toBe(3);
    expect(text()).toMatch(/from-terminal/);
    expect(text()).toMatch(/exit 3/);
    expect(kube.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('refuses what policy forbids before touching the cluster', async () => {
    const { out, text } = capture();
    const code = await runFromTerminal(['etcd', '-n', 'kube-system', '--', 'ls'], env, out);
    expect(code).toBe(2);
    expect(text()).toMatch(/kube-system/);
    expect(kube.requests).toHaveLength(0);
  });

  it('explains a missing pod and exits 1', async () => {
    const { out, text } = capture();
    const code = await runFromTerminal(['nope', '-n', 'shop', '--', 'ls'], env, out);
    expect(code).toBe(1);
    expect(text()).toMatch(/not found/i);
  });
});
