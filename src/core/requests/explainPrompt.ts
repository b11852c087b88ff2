import type { ChatMessage } from '../chat/chatProvider';

export interface ExplainInput {
  text: string;
  languageId: string;
  fileName?: string;
}

const SYSTEM = [
  'You are a senior engineer explaining code to a colleague.',
  'Explain what the code does, how, and anything surprising (edge cases, bugs, performance).',
  'Be concise. Use Markdown: short paragraphs, bullet lists, and fenced code blocks when quoting code.',
].join(' ');

export function explainMessages(input: ExplainInput): ChatMessage[] {
  const where = input.fileName ? ` from \`${input.fileName}\`` : '';
  const fence = input.text.includes('```') ? '~~~~' : '```';
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Explain this ${input.languageId} code${where}:\n\n${fence}${input.languageId}\n${input.text}\n${fence}` },
  ];
}
