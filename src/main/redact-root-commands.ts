import type { DebugRequest } from '../core/model.js';
import type { ChatNotifier } from '../core/ports.js';
import { redactArgv } from '../transcript/redact-argv.js';

/**
 * The root message shows the commands; a secret typed into a command (a token in a curl header)
 * must not reach the channel, so the root message gets the argv redacted like the transcript.
 * (Approval cards are redacted the same way; the approval stays bound to the exact argv by its digest.)
 */
export function redactRootCommands(notifier: ChatNotifier): ChatNotifier {
  const redacted = new WeakMap<DebugRequest, Promise<DebugRequest>>();
  const shown = (request: DebugRequest) => {
    let copy = redacted.get(request);
    if (!copy) {
      copy = Promise.all(request.commands.map(async (argv) => (await redactArgv(argv)).argv)).then(
        (commands) => ({
          ...request,
          commands,
        }),
      );
      redacted.set(request, copy);
    }
    return copy;
  };
  return {
    postRoot: async (request, status) => notifier.postRoot(await shown(request), status),
    updateRoot: async (request, rootId, status) => notifier.updateRoot(await shown(request), rootId, status),
    postTranscript: (request, rootId, transcript) => notifier.postTranscript(request, rootId, transcript),
  };
}
