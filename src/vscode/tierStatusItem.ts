import * as vscode from 'vscode';
import type { SettingsGateway } from './settingsGateway';

/** The quality tier in the status bar: one click to change it (Costwise: Choose Quality Tier…). */
export class TierStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tier', vscode.StatusBarAlignment.Right, 99);
  private readonly sub: vscode.Disposable;

  constructor(private readonly settings: SettingsGateway) {
    this.item.name = 'Costwise Quality Tier';
    this.item.command = 'costwise.chooseTier';
    this.sub = settings.onDidChange(() => this.render());
    this.item.text = '$(layers)';
    this.item.show();
    setTimeout(() => this.render(), 0); // after activation returns
  }

  private render(): void {
    const { defaultTier, routing } = this.settings.current().settings;
    this.item.text = `$(layers) ${defaultTier}${routing.localOnly ? ' · local only' : ''}`;
    this.item.tooltip = `Costwise routes to the cheapest model that meets the ${defaultTier} tier (quality ≥ ${routing.thresholds[defaultTier]}). Click to change.`;
    this.item.accessibilityInformation = { label: `Costwise quality tier: ${defaultTier}. Click to change.`, role: 'button' };
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
