import * as vscode from 'vscode';

/**
 * API keys live only in SecretStorage, each bound to the origin (scheme://host:port) it was entered
 * for: when the endpoint's base URL moves to another origin, no stored key goes with it.
 */
export class ApiKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  static originOf(baseUrl: string): string {
    return new URL(baseUrl).origin;
  }

  private slot(origin: string): string {
    return `costwise.apiKey:${origin}`;
  }

  get(baseUrl: string): Thenable<string | undefined> {
    return this.secrets.get(this.slot(ApiKeys.originOf(baseUrl)));
  }

  async set(baseUrl: string, key: string): Promise<void> {
    await this.secrets.store(this.slot(ApiKeys.originOf(baseUrl)), key);
  }

}

/** Loopback endpoints (local model servers) may run without a key. */
export function isLoopback(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
