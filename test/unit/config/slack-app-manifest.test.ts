import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const schemaPath = `${root}test/fixtures/slack/slack-app-manifest.schema.1.0.0.json`;
const sharedSchemaPath = `${root}../shared/schemas/slack-app-manifest.schema.1.0.0.json`;
const manifestPath = `${root}config/slack-app-manifest.yaml`;

type Manifest = {
  features: { slash_commands: Array<{ command: string; url?: string; should_escape?: boolean }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled?: boolean;
    interactivity?: { is_enabled: boolean; request_url?: string };
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
  };
};

function loadValidator() {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // Slack's schema is draft-07 and uses a non-standard `regex` keyword, hence strict: false;
  // `uri` is its only format and is checked loosely here (ajv-formats is not installed).
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { uri: /^[a-z][a-z0-9+.-]*:/i } });
  return ajv.compile(schema);
}

const manifest = parse(readFileSync(manifestPath, 'utf8')) as Manifest;

describe('config/slack-app-manifest.yaml', () => {
  it('is valid against Slack’s app-manifest schema 1.0.0', () => {
    const validate = loadValidator();
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.runIf(existsSync(sharedSchemaPath))('uses the same schema as ../shared/schemas', () => {
    expect(readFileSync(schemaPath, 'utf8')).toBe(readFileSync(sharedSchemaPath, 'utf8'));
  });

  it('the schema catches a broken manifest (the check is not vacuous)', () => {
    const validate = loadValidator();
    expect(validate({ display_information: { name: 'x'.repeat(36) } })).toBe(false);
    expect(
      validate({ ...manifest, features: { slash_commands: [{ command: 'debug', description: 'x' }] } }),
    ).toBe(false);
    expect(validate({ ...manifest, settings: { interactivity: {} } })).toBe(false);
  });

  it('declares /debug without escaping (we decode &amp;/&lt;/&gt; ourselves)', () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/debug', should_escape: false }),
    ]);
  });

  it('asks for exactly the scopes the code uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'app_mentions:read',
        'chat:write',
        'chat:write.public',
        'commands',
        'files:write',
        'usergroups:read',
        'users:read',
        'users:read.email',
      ].sort(),
    );
  });

  it('is a Socket Mode app with interactivity and app_mention, so it needs no public URL', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions?.bot_events).toEqual(['app_mention']);
    expect(manifest.settings.interactivity?.request_url).toBeUndefined();
    expect(manifest.features.slash_commands[0]!.url).toBeUndefined();
  });
});
