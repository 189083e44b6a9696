import type { IncomingMessage } from 'node:http';

/** Fields the WebClient JSON-encodes into form fields; the fake decodes them back. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata']);

/** A parsed request body: plain fields, and uploaded files for multipart bodies. */
export interface ParsedBody {
  args: Record<string, unknown>;
  files: Array<{ field: string; filename: string; content: Buffer }>;
}

/** Reads the whole body, refusing more than `limit` bytes. */
export async function readRawBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Parses form-urlencoded, JSON and multipart bodies as Slack's Web API accepts them. */
export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') {
    const parsed: unknown = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    return {
      args: typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {},
      files: [],
    };
  }
  if (type === 'multipart/form-data') {
    const form = await new Response(raw, { headers: { 'content-type': contentType! } }).formData();
    const args: Record<string, unknown> = {};
    const files: ParsedBody['files'] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') args[field] = decodeField(field, value);
      else files.push({ field, filename: value.name, content: Buffer.from(await value.arrayBuffer()) });
    }
    return { args, files };
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) args[key] = decodeField(key, value);
  return { args, files: [] };
}
