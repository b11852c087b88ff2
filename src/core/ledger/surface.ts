/** Where a request came from: the explanation panel, VS Code's chat, or an agent run in chat. */
export type Surface = 'panel' | 'chat' | 'agent' | 'other';

/**
 * A record's surface, from its task and whether it belongs to a chat conversation: an explanation asked
 * in chat (`@costwise /explain`) is chat, the same task from Explain Selection is the panel.
 */
export function surfaceOf(r: { task: string; conversation?: string | undefined }): Surface {
  if (r.task === 'chat' || r.task === 'agent') return r.task;
  if (r.task === 'explain') return r.conversation ? 'chat' : 'panel';
  return 'other';
}
