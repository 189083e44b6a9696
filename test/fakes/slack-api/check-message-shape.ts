/**
 * The limits real Slack enforces on message payloads (REFERENCE C.5, @slack/types JSDoc): the fake refuses
 * what Slack would refuse, with Slack's error codes and `response_metadata.messages` in Slack's style.
 */

export interface ShapeError {
  error: string;
  messages: string[];
}

export interface ShapeOptions {
  /** What Slack answers for more than 50 blocks (observed: `invalid_blocks`). */
  tooManyBlocksError: 'invalid_blocks' | 'msg_blocks_too_long';
}

const KNOWN_BLOCKS = new Set([
  'section',
  'context',
  'divider',
  'header',
  'actions',
  'rich_text',
  'markdown',
  'image',
]);
const TEXT_TYPES = new Set(['mrkdwn', 'plain_text']);
const PLAIN_ONLY = new Set(['plain_text']);

function checkString(value: unknown, pointer: string, max: number, problems: string[]): void {
  if (value !== undefined && (typeof value !== 'string' || value.length > max)) {
    problems.push(`[ERROR] must be a string of at most ${max} characters [json-pointer:${pointer}]`);
  }
}

/** Buttons as Slack checks them: plain-text label ≤ 75, action_id ≤ 255, value ≤ 2000, confirm dialog limits. */
function checkButton(element: unknown, pointer: string, problems: string[]): void {
  if (!isObj(element) || element.type !== 'button') {
    problems.push(`[ERROR] unsupported element type [json-pointer:${pointer}/type]`);
    return;
  }
  checkTextObject(element.text, `${pointer}/text`, 75, problems, PLAIN_ONLY);
  checkString(element.action_id, `${pointer}/action_id`, 255, problems);
  checkString(element.value, `${pointer}/value`, 2000, problems);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
    problems.push(`[ERROR] must be primary or danger [json-pointer:${pointer}/style]`);
  }
  const confirm = element.confirm;
  if (confirm === undefined) return;
  if (!isObj(confirm)) {
    problems.push(`[ERROR] must be an object [json-pointer:${pointer}/confirm]`);
    return;
  }
  checkTextObject(confirm.title, `${pointer}/confirm/title`, 100, problems, PLAIN_ONLY);
  checkTextObject(confirm.text, `${pointer}/confirm/text`, 300, problems);
  checkTextObject(confirm.confirm, `${pointer}/confirm/confirm`, 30, problems, PLAIN_ONLY);
  checkTextObject(confirm.deny, `${pointer}/confirm/deny`, 30, problems, PLAIN_ONLY);
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkTextObject(
  value: unknown,
  pointer: string,
  max: number,
  problems: string[],
  types: ReadonlySet<string> = TEXT_TYPES,
): void {
  if (!isObj(value) || typeof value.type !== 'string' || !types.has(value.type)) {
    problems.push(`[ERROR] must be a text object [json-pointer:${pointer}]`);
    return;
  }
  if (typeof value.text !== 'string' || value.text.length < 1) {
    problems.push(`[ERROR] must be more than 0 characters [json-pointer:${pointer}/text]`);
  } else if (value.text.length > max) {
    problems.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}/text]`);
  }
}

function checkBlock(block: unknown, pointer: string, problems: string[]): void {
  if (!isObj(block) || typeof block.type !== 'string' || !KNOWN_BLOCKS.has(block.type)) {
    problems.push(`[ERROR] unsupported type [json-pointer:${pointer}/type]`);
    return;
  }
  if (typeof block.block_id === 'string' && block.block_id.length > 255) {
    problems.push(`[ERROR] must be less than 256 characters [json-pointer:${pointer}/block_id]`);
  }
  if (block.type === 'section') {
    if (block.text === undefined && block.fields === undefined) {
      problems.push(`[ERROR] must provide either text or fields [json-pointer:${pointer}]`);
    }
    if (block.text !== undefined) checkTextObject(block.text, `${pointer}/text`, 3000, problems);
    if (block.fields !== undefined) {
      const fields = Array.isArray(block.fields) ? block.fields : [];
      if (fields.length < 1 || fields.length > 10) {
        problems.push(`[ERROR] must provide between 1 and 10 items [json-pointer:${pointer}/fields]`);
      }
      for (const [i, f] of fields.entries()) checkTextObject(f, `${pointer}/fields/${i}`, 2000, problems);
    }
  } else if (block.type === 'context') {
    const elements = Array.isArray(block.elements) ? block.elements : [];
    if (elements.length < 1 || elements.length > 10) {
      problems.push(`[ERROR] must provide between 1 and 10 items [json-pointer:${pointer}/elements]`);
    }
    elements.forEach((e, i) => {
      if (!(isObj(e) && e.type === 'image')) checkTextObject(e, `${pointer}/elements/${i}`, 3000, problems);
    });
  } else if (block.type === 'header') {
    checkTextObject(block.text, `${pointer}/text`, 150, problems, PLAIN_ONLY);
  } else if (block.type === 'actions') {
    const elements = Array.isArray(block.elements) ? block.elements : [];
    if (elements.length < 1 || elements.length > 25) {
      problems.push(`[ERROR] must provide between 1 and 25 items [json-pointer:${pointer}/elements]`);
    }
    for (const [i, e] of elements.entries()) checkButton(e, `${pointer}/elements/${i}`, problems);
  } else if (block.type === 'markdown') {
    if (typeof block.text !== 'string' || block.text.length < 1 || block.text.length > 12_000) {
      problems.push(`[ERROR] must be between 1 and 12000 characters [json-pointer:${pointer}/text]`);
    }
  }
}

/** Checks `text` and `blocks` of chat.postMessage / chat.update / chat.postEphemeral. */
export function checkMessageShape(args: Obj, options: ShapeOptions): ShapeError | undefined {
  const { text, blocks } = args;
  if (typeof text === 'string' && text.length > 40_000) return { error: 'msg_too_long', messages: [] };
  if (blocks === undefined) {
    if (typeof text !== 'string' || text.trim() === '') return { error: 'no_text', messages: [] };
    return undefined;
  }
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', messages: [] };
  if (blocks.length > 50) {
    return {
      error: options.tooManyBlocksError,
      messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'],
    };
  }
  if (blocks.length === 0 && (typeof text !== 'string' || text.trim() === ''))
    return { error: 'no_text', messages: [] };
  const problems: string[] = [];
  const blockIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    checkBlock(block, `/blocks/${i}`, problems);
    const id = isObj(block) ? block.block_id : undefined;
    if (typeof id === 'string') {
      if (blockIds.has(id)) problems.push(`[ERROR] duplicate block_id [json-pointer:/blocks/${i}/block_id]`);
      blockIds.add(id);
    }
  }
  return problems.length > 0 ? { error: 'invalid_blocks', messages: problems } : undefined;
}
