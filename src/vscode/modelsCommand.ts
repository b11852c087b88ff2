import * as vscode from 'vscode';
import { modelsOverviewMarkdown, type ProviderModels } from '../core/modelsOverview';
import type { ApiKeys } from './apiKeys';
import type { MarkdownDocument } from './markdownDocument';
import { listTargets, type ModelListService } from './modelListService';
import type { PriceService } from './priceService';
import { configuredEndpoints } from './routingContext';
import type { SettingsGateway } from './settingsGateway';

export interface ModelsCommandDeps {
  settings: SettingsGateway;
  keys: ApiKeys;
  modelLists: ModelListService;
  prices: PriceService;
  view: MarkdownDocument;
}

/**
 * "Show Available Models": reads each enabled provider's model list for its key now (on demand; not in
 * local-only mode), then shows per provider what routing may use: price, score, retired, unpriced (and
 * how to price it), not available to the key. `arg.refresh === false` shows what is cached without reading.
 * Returns the Markdown, for tests.
 */
export async function showModels(d: ModelsCommandDeps, arg?: { refresh?: boolean }): Promise<string> {
  const { settings } = d.settings.current();
  const endpoints = await configuredEndpoints(settings, d.keys);
  const targets = listTargets(settings, endpoints);
  if (!settings.routing.localOnly && arg?.refresh !== false && targets.some((t) => t.apiKey)) {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Costwise: reading the providers’ model lists' }, () => d.modelLists.refresh(targets, true));
  }
  const { catalog } = await d.prices.get();
  const providers: ProviderModels[] = targets.map((t) => ({ provider: t.provider, baseUrl: t.baseUrl, keyPresent: !!t.apiKey, entry: d.modelLists.entry(t), listing: d.modelLists.listing(t) }));
  const text = modelsOverviewMarkdown(catalog, new Date(), providers, settings.routing.quality, settings.routing.localOnly);
  d.view.set(text);
  await d.view.show();
  return text;
}
