import * as vscode from 'vscode';
import type { activate } from '../../src/extension';
import { eventually } from '../harness/condition';

export type CostwiseApi = ReturnType<typeof activate>;

export const EXTENSION_ID = 'costwise.costwise';

export async function costwise(): Promise<CostwiseApi> {
  const ext = vscode.extensions.getExtension<CostwiseApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  return ext.isActive ? ext.exports : await ext.activate();
}

/** Writes a user setting and waits until this extension host reads it back (the write resolves before that). */
export async function setUserSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('costwise').update(key, value, vscode.ConfigurationTarget.Global);
  const want = JSON.stringify(value);
  await waitFor(`costwise.${key} to read back`, () => (JSON.stringify(vscode.workspace.getConfiguration('costwise').inspect(key)?.globalValue) === want ? true : undefined), 5_000);
}

export async function openDocument(content: string, language = 'javascript'): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  return vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
}

export function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  return eventually(`Timed out waiting for ${what}`, async () => probe(), { timeoutMs, everyMs: 50 });
}
