import type { ChatProvider } from '../core/chat/chatProvider';
import { AnthropicProvider } from '../providers/anthropic';
import { GeminiProvider } from '../providers/gemini';
import { OpenAICompatibleProvider } from '../providers/openAICompatible';
import { EmbeddedProvider } from './embeddedProvider';
import type { EmbeddedRuntime } from './embeddedRuntime';

/** Where a candidate's requests go, and with which key. */
export interface Endpoint {
  id: string;
  kind: 'openai-compatible' | 'anthropic' | 'gemini' | 'embedded';
  baseUrl: string;
  apiKey: string | undefined;
}

/** The client for an endpoint: the SDK its API needs, or the embedded runtime. */
export function providerFor(e: Endpoint, embedded?: () => EmbeddedRuntime | undefined): ChatProvider {
  if (e.kind === 'embedded') {
    const runtime = embedded?.();
    if (!runtime) throw new Error('the embedded model is not configured (costwise.local.modelPath)');
    return new EmbeddedProvider(runtime);
  }
  const common = { id: e.id, baseUrl: e.baseUrl, apiKey: e.apiKey ?? '', firstTokenTimeoutMs: 10 * 60_000, idleTimeoutMs: 2 * 60_000 };
  if (e.kind === 'anthropic') return new AnthropicProvider(common);
  if (e.kind === 'gemini') return new GeminiProvider(common);
  return new OpenAICompatibleProvider(common);
}
