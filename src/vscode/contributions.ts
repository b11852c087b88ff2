/**
 * The names package.json contributes, which the activation bundle registers before the engine is loaded
 * (`test/unit/manifest.test.ts` holds them to the manifest). This module imports nothing, so the
 * activation bundle can use it without pulling in what the names belong to.
 */

/** The command the spend tracker answers (src/spend.ts). */
export const LEDGER_COMMAND = 'costwise.setLedgerPassword';

/** Commands the engine answers (src/engine.ts). */
export const ENGINE_COMMANDS = [
  'costwise.explainSelection',
  'costwise.setApiKey',
  'costwise.chooseTier',
  'costwise.whyThisModel',
  'costwise.showReport',
  'costwise.downloadLocalModel',
  'costwise.toggleLocalOnly',
  'costwise.downloadGpuBuild',
  'costwise.showLocalModels',
  'costwise.checkPrices',
  'costwise.showModels',
] as const;
export type EngineCommand = (typeof ENGINE_COMMANDS)[number];

export const EXPLAIN_VIEW_TYPE = 'costwise.explanation';
export const DECISION_VIEW_TYPE = 'costwise.decision';
export const REPORT_VIEW_TYPE = 'costwise.report';
/** Webviews VS Code restores after a reload. */
export const VIEW_TYPES = [EXPLAIN_VIEW_TYPE, DECISION_VIEW_TYPE, REPORT_VIEW_TYPE] as const;
export type ViewType = (typeof VIEW_TYPES)[number];

/** The language model vendor (`languageModelChatProviders`) and the chat participant (`chatParticipants`). */
export const LM_VENDOR = 'costwise';
export const PARTICIPANT_ID = 'costwise.chat';

/** Costwise's read-only Markdown documents: local models, available models, the price check. */
export const DOCUMENTS = { local: ['costwise-local', 'local-models.md'], models: ['costwise-models', 'available-models.md'], prices: ['costwise-prices', 'prices.md'] } as const;
