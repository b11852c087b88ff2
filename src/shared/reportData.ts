/** Integer micro-dollars. */
type MicroUsd = number;

/** The monthly report as plain data: built in the extension host, drawn by the report webview. */
export interface ReportData {
  month: string;
  /** Months with a ledger file, newest first (the month picker). */
  months: string[];
  isCurrentMonth: boolean;
  budget: MicroUsd;
  /** On a team ledger: this person's month and the team's, each against its monthly limit (as the status bar shows them). */
  team?: TeamStanding;
  kpis: {
    spend: MicroUsd;
    reserved: MicroUsd;
    requests: number;
    tokens: { input: number; cachedRead: number; cacheWrite: number; output: number; reasoning: number };
    saved: MicroUsd;
    localCost: MicroUsd;
    remoteCost: MicroUsd;
    localRequests: number;
    estimatedRequests: number;
    corruptLines: number;
  };
  daily: { days: string[]; providers: string[]; /** cost[provider][day] */ cost: MicroUsd[][] };
  /** Month-end spend if the daily average so far holds (current month only). */
  forecast: MicroUsd | undefined;
  /** `surface`: panel (Explain Selection), chat or agent. */
  breakdowns: Record<'model' | 'provider' | 'surface' | 'workspace', Array<{ key: string; cost: MicroUsd; requests: number }>> & {
    /** The team view: spend by person, on a ledger whose records name people (a team ledger). */
    person?: Array<{ key: string; cost: MicroUsd; requests: number }>;
    /** Chat conversations, by a short name of their hash (present once a chat request was recorded). */
    conversation?: Array<{ key: string; cost: MicroUsd; requests: number }>;
  };
  /** One row per settled request, newest first, as columns (compact for 60k rows). */
  requests: RequestColumns;
  whatIf: WhatIfRow[];
  selfHosting: SelfHostingInputs;
  /** Every month of the selected month's year that has a ledger: spend and requests (the year view). */
  year: Array<{ month: string; spend: MicroUsd; requests: number; localCost: MicroUsd }>;
}

export interface RequestColumns {
  at: string[];
  file: string[];
  model: string[];
  provider: string[];
  tier: string[];
  input: number[];
  output: number[];
  reasoning: number[];
  cost: MicroUsd[];
  estimated: boolean[];
  outcome: string[];
}

export interface WhatIfRow {
  model: string;
  provider: string;
  kind: 'remote' | 'local';
  /** The month's actual usage at this model's prices (or energy); undefined when it cannot be priced. */
  cost: MicroUsd | undefined;
  note: string;
}

/** Editable assumptions for the self-hosting break-even (FACTS.md §4), with the month's API spend. */
export interface SelfHostingInputs {
  apiSpendPerMonth: MicroUsd;
  usdPerCny: number;
  fullR1: { serverCny: number; amortizationMonths: number; powerKw: number; usdPerKwh: number };
  distill: { hardwareUsd: number; amortizationMonths: number; watts: number; hoursPerDay: number; usdPerKwh: number };
  /** A distill on a rented GPU, from measured throughput (which hardware is named in it). */
  gpu: { throughput: import('./selfHosting').MeasuredGpuThroughput; usdPerGpuHour: number; monthlyGeneratedTokens: number };
}

/** Spent or reserved this month (what the budget check counts), and the monthly limit when one is set. */
export interface BudgetStanding {
  spent: MicroUsd;
  limit?: MicroUsd;
}

export interface TeamStanding {
  person: string;
  personal: BudgetStanding;
  team: BudgetStanding;
}
