import { blockTextLength, type SlackBlock } from './slack-message.js';

/** How much one message may carry. */
export interface PackLimits {
  maxBlocks: number;
  maxTextChars: number;
}

/**
 * Packs groups of blocks (a header, one command, a footer) into messages in order, keeping each group
 * in one message where it fits and starting a new message before a limit would be crossed.
 * A group too large on its own is split block by block.
 */
export function packBlocks(groups: readonly SlackBlock[][], limits: PackLimits): SlackBlock[][] {
  const messages: SlackBlock[][] = [];
  let current: SlackBlock[] = [];
  let currentText = 0;

  function add(block: SlackBlock): void {
    const size = blockTextLength(block);
    if (
      current.length > 0 &&
      (current.length + 1 > limits.maxBlocks || currentText + size > limits.maxTextChars)
    ) {
      messages.push(current);
      current = [];
      currentText = 0;
    }
    current.push(block);
    currentText += size;
  }

  for (const group of groups) {
    const groupText = group.reduce((sum, block) => sum + blockTextLength(block), 0);
    const fitsEmpty = group.length <= limits.maxBlocks && groupText <= limits.maxTextChars;
    const fitsHere =
      current.length + group.length <= limits.maxBlocks && currentText + groupText <= limits.maxTextChars;
    if (fitsEmpty && !fitsHere && current.length > 0) {
      messages.push(current);
      current = [];
      currentText = 0;
    }
    for (const block of group) add(block);
  }
  if (current.length > 0) messages.push(current);
  return messages;
}
