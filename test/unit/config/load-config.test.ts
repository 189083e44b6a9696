import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load-config.js';

const env = {
  SLACK_BOT_TOKEN: 'xoxb-test',
  SLACK_SIGNING_SECRET: 'secret',
  CONFIG_FILE: 'config/default.yaml',
};

describe('loadConfig', () => {
  it('loads the shipped default config with its presets and policy', () => {
    const config = loadConfig({ env });
    expect(config.defaults).toEqual({ namespace: 'default', image: 'busybox:1.36' });
    expect(Object.keys(config.presets)).toEqual(
      expect.arrayContaining(['network', 'processes', 'dns', 'disk', 'tls']),
    );
    expect(config.policy.namespaces.deny).toContain('kube-system');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
  });

  it('loads the worked example for a team with a production namespace', () => {
    const config = loadConfig({ env: { ...env, CONFIG_FILE: 'config/examples/team-with-production.yaml' } });
    expect(config.policy.production.namespaces).toEqual(['shop-prod']);
    expect(config.policy.approvals.approvers.groups).toEqual(['@sre-oncall']);
  });

  it('lists every problem at once, each with how to fix it, and names no secret', () => {
    const yaml =
      'debug:\n  startDeadlineSeconds: -1\nqueue:\n  name: "bad:name"\npolicy:\n  profiles:\n    allow: [root]\n';
    let error: unknown;
    try {
      loadConfig({
        env: { PORT: 'http', REDIS_URL: 'localhost', LOG_LEVEL: 'loud', CONFIG_FILE: 'x.yaml' },
        readFile: () => yaml,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const fragment of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'PORT',
      'REDIS_URL',
      'LOG_LEVEL',
      'startDeadlineSeconds',
      'queue.name',
      'profiles.allow',
    ]) {
      expect(problems).toContain(fragment);
    }
    expect((error as ConfigError).message).toMatch(/^k8s-debug-bot cannot start; fix these settings:/);
  });

  it('fails closed without a policy section', () => {
    expect(() => loadConfig({ env, readFile: () => 'defaults:\n  namespace: shop\n' })).toThrow(
      /policy section is missing/,
    );
  });

  it('refuses an empty signing secret for the front end (TEST-MATRIX row 8), not for a worker', () => {
    expect(() => loadConfig({ env: { ...env, SLACK_SIGNING_SECRET: '' } })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(() =>
      loadConfig({ env: { ...env, SLACK_SIGNING_SECRET: ' ', SLACK_APP_TOKEN: 'xapp-1' } }),
    ).toThrow(/SLACK_SIGNING_SECRET/);
    expect(loadConfig({ env: { ...env, SLACK_SIGNING_SECRET: '' }, role: 'worker' }).role).toBe('worker');
    expect(loadConfig({ env: { ...env, SLACK_APP_TOKEN: 'xapp-1' } }).slack.appToken).toBe('xapp-1');
  });

  it('documents every environment variable it reads in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_APP_TOKEN',
      'SLACK_API_URL',
      'PORT',
      'REDIS_URL',
      'KUBECONFIG',
      'CONFIG_FILE',
      'LOG_LEVEL',
    ]) {
      expect(readme).toContain(`\`${name}\``);
    }
  });
});
