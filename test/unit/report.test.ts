import * as assert from 'node:assert/strict';
import { MonthFold } from '../../src/core/ledger/monthFold';
import type { LedgerRecord } from '../../src/core/ledger/records';
import { curatedCatalog } from '../../src/node/priceBook';
import { costOf } from '../../src/core/pricing/cost';
import { DEFAULT_ENERGY } from '../../src/core/pricing/energy';
import { buildReport } from '../../src/core/report/buildReport';
import { reportCsv, reportJson } from '../../src/core/report/reportExport';
import { isHostToReportView, isReportViewToHost } from '../../src/shared/reportProtocol';
import { breakEven, rentedGpuCost } from '../../src/shared/selfHosting';
import { H200_SPEEDS } from '../../src/core/runtime/measuredSpeeds';
import { filterRows, sortRows } from '../../src/webview/reportTable';
import { seedMonthLines } from '../harness/seedLedger';

const catalog = curatedCatalog().current();
function foldOf(lines: string, month = '2026-11'): MonthFold {
  const f = new MonthFold(month);
  for (const l of lines.split('\n').filter(Boolean)) f.apply(JSON.parse(l) as LedgerRecord);
  return f;
}
const options = (today = '2026-11-20') => ({ months: ['2026-11'], now: new Date(2026, 10, 20), today, budget: 50_000_000, catalog, local: [{ label: 'R1-Distill-Qwen-1.5B (local)', tokensPerSecond: 20 }], energy: DEFAULT_ENERGY });

describe('monthly report data', () => {
  const fold = foldOf(seedMonthLines(2026, 10, 5000, { estimatedEvery: 97 }));
  const d = buildReport(fold, options());

  it('the rented-GPU figures name the measured hardware and count this month’s generated tokens', () => {
    const g = d.selfHosting.gpu;
    assert.match(g.throughput.hardware, /^NVIDIA H200, measured 2026-11-30/);
    assert.deepEqual(g.throughput.rows.map((r) => r.model), ['DeepSeek-R1-Distill-Qwen-1.5B', 'DeepSeek-R1-Distill-Qwen-7B', 'DeepSeek-R1-Distill-Qwen-14B', 'DeepSeek-R1-Distill-Qwen-32B']);
    let output = 0;
    let reasoning = 0;
    for (const s of fold.settled) (output += s.usage.outputTokens), (reasoning += s.usage.reasoningTokens);
    assert.equal(g.monthlyGeneratedTokens, output + (reasoning > output ? reasoning : 0));
    assert.equal(g.usdPerGpuHour, 28);
  });

  it('KPIs are the ledger’s sums, to the micro-dollar', () => {
    let spend = 0;
    let local = 0;
    let saved = 0;
    for (const s of fold.settled) {
      spend += s.cost;
      if (s.provider === 'local') local += s.cost;
      if (s.counterfactual && s.counterfactual.cost > s.cost) saved += s.counterfactual.cost - s.cost;
    }
    assert.equal(d.kpis.spend, spend);
    assert.equal(d.kpis.localCost, local);
    assert.equal(d.kpis.remoteCost, spend - local);
    assert.equal(d.kpis.saved, saved);
    assert.equal(d.kpis.requests, 5000);
    assert.equal(d.kpis.localRequests, 1000);
    assert.equal(d.kpis.estimatedRequests, Math.ceil(5000 / 97));
  });

  it('the daily series covers every day of the month and sums to the spend', () => {
    assert.equal(d.daily.days.length, 30);
    assert.equal(d.daily.days[0], '2026-11-01');
    const sum = d.daily.cost.flat().reduce((a, b) => a + b, 0);
    assert.equal(sum, d.kpis.spend);
    assert.deepEqual([...d.daily.providers].sort(), ['anthropic', 'deepseek', 'gemini', 'local', 'openai']);
  });

  it('forecasts the current month from its daily average, and not a past one', () => {
    assert.equal(d.forecast, Math.round((d.kpis.spend / 20) * 30));
    assert.equal(buildReport(fold, options('2026-12-03')).forecast, undefined);
  });

  it('what-if re-prices the month on every catalog model: summed usage equals request-by-request', () => {
    const ds = d.whatIf.find((w) => w.model === 'deepseek-flash')!;
    const entry = catalog.find((p) => p.model === 'deepseek-flash')!;
    const perRequest = fold.settled.reduce((a, s) => a + costOf(s.usage, entry, Date.parse(s.reservedAt)), 0);
    // Summing usage first rounds once instead of per request: within one micro-dollar per request.
    assert.ok(Math.abs(ds.cost! - perRequest) <= fold.settled.length, `${ds.cost} vs ${perRequest}`);
    assert.equal(d.whatIf.filter((w) => w.kind === 'remote').length, catalog.length + catalog.filter((p) => p.timed).length, 'a second, off-peak row per time-of-day model');
    const offPeak = d.whatIf.find((w) => w.model === 'deepseek-flash (off-peak)')!;
    assert.ok(offPeak.cost! <= ds.cost!, 'all off-peak is never dearer');
    const local = d.whatIf.find((w) => w.kind === 'local')!;
    assert.ok(local.cost! > 0 && local.cost! < ds.cost!, 'energy at 20 tok/s is cheaper than the cheapest R1 API');
    const costs = d.whatIf.map((w) => w.cost ?? Infinity);
    assert.deepEqual(costs, [...costs].sort((a, b) => a - b), 'cheapest first');
  });

  it('a model priced higher above a prompt size is priced on each side of its threshold', () => {
    const tiered = catalog.find((p) => p.tiers?.length)!;
    const lines = seedMonthLines(2026, 10, 40)
      .split('\n')
      .filter(Boolean)
      .map((l, i) => {
        const r = JSON.parse(l) as LedgerRecord & { usage?: { inputTokens: number } };
        if (r.kind === 'settle' && i % 4 === 1) r.usage!.inputTokens = tiered.tiers![0]!.fromPromptTokens + 5000;
        return JSON.stringify(r);
      })
      .join('\n');
    const f = foldOf(lines);
    const w = buildReport(f, options()).whatIf.find((x) => x.model === tiered.model)!;
    const perRequest = f.settled.reduce((a, s) => a + costOf(s.usage, tiered, Date.parse(s.reservedAt)), 0);
    assert.ok(Math.abs(w.cost! - perRequest) <= f.settled.length, `${tiered.model}: ${w.cost} vs ${perRequest}`);
  });

  it('requests come newest first with their file, and export as CSV whose total line matches', () => {
    assert.equal(d.requests.at.length, 5000);
    assert.ok(d.requests.at[0]! >= d.requests.at[4999]!);
    assert.ok(d.requests.file.every((f) => f.length > 0));
    const csv = reportCsv(d).trim().split('\n');
    assert.equal(csv.length, 5000 + 2);
    const total = csv.at(-1)!.split(',');
    assert.equal(Number(total[9]), d.kpis.spend);
    const summed = csv.slice(1, -1).reduce((a, l) => a + Number(l.split(',')[9]), 0);
    assert.equal(summed, d.kpis.spend);
    const j = JSON.parse(reportJson(d)) as { requests: unknown[]; kpis: { spend: number } };
    assert.equal(j.requests.length, 5000);
    assert.equal(j.kpis.spend, d.kpis.spend);
  });

  it('a file name that looks like a formula or markup stays plain text in the CSV', () => {
    const hostile = foldOf(seedMonthLines(2026, 10, 10, { files: ['=HYPERLINK("http://x")', '<img src=x onerror=alert(1)>.js'] }));
    const csv = reportCsv(buildReport(hostile, options()));
    assert.ok(csv.includes(`"'=HYPERLINK(""http://x"")"`));
    assert.ok(csv.includes('<img src=x onerror=alert(1)>.js'), 'CSV is data, not HTML');
  });

  it('the year lists the other months of the same year with this one, in order', () => {
    const other = (month: string, total: number) => ({ ...new MonthFold(month).summary(), total, requests: 3 });
    const y = buildReport(fold, { ...options(), otherMonths: [other('2026-03', 5), other('2025-12', 7), other('2026-11', 999)] }).year;
    assert.deepEqual(y.map((m) => [m.month, m.spend]), [['2026-03', 5], ['2026-11', d.kpis.spend]]);
  });

  it('an empty month is a report of zeros, not an error', () => {
    const e = buildReport(new MonthFold('2026-02'), { ...options('2026-11-20'), months: [] });
    assert.equal(e.kpis.spend, 0);
    assert.equal(e.daily.days.length, 28);
    assert.deepEqual(e.daily.providers, []);
    assert.equal(reportCsv(e).trim().split('\n').length, 2);
    assert.ok(e.whatIf.every((w) => w.cost === 0 || w.cost === undefined));
  });

  it('the table filters by every word and sorts by any column', () => {
    const r = d.requests;
    const rows = filterRows(r, 'o4-mini premium');
    assert.equal(rows.length, 1000);
    assert.ok(rows.every((i) => r.model[i] === 'o4-mini'));
    assert.equal(filterRows(r, 'nothing-like-this').length, 0);
    const byCost = sortRows(r, rows, 'cost', true);
    assert.ok(r.cost[byCost[0]!]! >= r.cost[byCost.at(-1)!]!);
    const byFile = sortRows(r, filterRows(r, ''), 'file', false);
    assert.equal(r.file[byFile[0]!], 'App.tsx');
  });
});

describe('self-hosting break-even', () => {
  const base = { apiSpendUsdPerMonth: 50, usdPerCny: 0.14, fullR1: { serverCny: 2_200_000, amortizationMonths: 36, powerKw: 6, usdPerKwh: 0.17 }, distill: { hardwareUsd: 2000, amortizationMonths: 36, watts: 60, hoursPerDay: 2, usdPerKwh: 0.17 } };
  it('owning 8 x H100 costs about $9,300 a month: ~186 times a $50 API bill', () => {
    const [r1, distill] = breakEven(base);
    // 2.2M CNY x 0.14 / 36 = $8,555.6 + 6 kW x 730 h x $0.17 = $744.6
    assert.equal(Math.round(r1!.monthlyUsd), 9300);
    assert.equal(Math.round(r1!.timesCurrentSpend), 186);
    assert.equal(Math.round(distill!.monthlyUsd * 100) / 100, 56.18);
    assert.equal(distill!.paybackMonths, 40);
  });
  it('a rented GPU: tokens per GPU-hour come from the measured H200 table, and batching divides the cost per token', () => {
    const q7 = H200_SPEEDS.find((r) => r.distill === 'r1-distill-qwen-7b' && r.precision === 'Q4_0')!;
    const costs = rentedGpuCost({ hardware: 'NVIDIA H200, measured 2026-11-30', rows: [{ model: '7B', decodeTps: q7.parallelDecodeTps }] }, 3.6, 1_000_000);
    assert.deepEqual(costs.map((c) => c.batch), [1, 4, 16]);
    // 323 tok/s alone = 1,162,800 tokens per GPU-hour: $3.10 per million at $3.60/h; 2,132 tok/s at 16 requests: $0.47.
    assert.equal(costs[0]!.tokensPerGpuHour, 323 * 3600);
    assert.equal(costs[0]!.usdPerMillionTokens.toFixed(2), '3.10');
    assert.equal(costs[2]!.usdPerMillionTokens.toFixed(2), '0.47');
    assert.equal(costs[0]!.monthlyUsd.toFixed(2), '3.10');
  });
  it('with no API spend, break-even is never', () => {
    assert.equal(breakEven({ ...base, apiSpendUsdPerMonth: 0 })[0]!.timesCurrentSpend, Infinity);
  });
});

describe('report webview protocol', () => {
  it('accepts only the messages it knows, with valid fields', () => {
    assert.ok(isReportViewToHost({ type: 'ready' }));
    assert.ok(isReportViewToHost({ type: 'month', month: '2026-11' }));
    assert.ok(isReportViewToHost({ type: 'export', format: 'csv' }));
    for (const bad of [null, 'ready', { type: 'month', month: '../../etc' }, { type: 'export', format: 'html' }, { type: 'ready', extra: 1 }, { type: 'run', command: 'x' }]) assert.equal(isReportViewToHost(bad), false, JSON.stringify(bad));
    assert.ok(isHostToReportView({ type: 'exported', file: '/x.csv', total: 1 }));
    assert.equal(isHostToReportView({ type: 'data' }), false);
  });
});

describe('monthly report: the team view', () => {
  it('adds spend by person when records name people, and only then', () => {
    const lines = seedMonthLines(2026, 10, 40).split('\n').filter(Boolean).map((l, i) => {
      const r = JSON.parse(l) as LedgerRecord;
      return JSON.stringify(r.kind === 'release' ? r : { ...r, person: i % 4 < 2 ? 'ann@team' : 'ben@team' });
    });
    const team = buildReport(foldOf(lines.join('\n')), options());
    const people = team.breakdowns.person!;
    assert.deepEqual(people.map((p) => p.key).sort(), ['ann@team', 'ben@team']);
    assert.equal(people.reduce((a, p) => a + p.cost, 0), team.kpis.spend);
    assert.equal(people.reduce((a, p) => a + p.requests, 0), team.kpis.requests);
    assert.equal(buildReport(foldOf(seedMonthLines(2026, 10, 40)), options()).breakdowns.person, undefined);
  });
});

describe('monthly report: spend by surface and by conversation', () => {
  it('folds tasks into panel / chat / agent, and lists conversations by a short name of their hash', () => {
    const hashes = ['0123456789abcdef', 'fedcba9876543210'];
    const lines = seedMonthLines(2026, 10, 60).split('\n').filter(Boolean).map((l) => {
      const r = JSON.parse(l) as LedgerRecord;
      const k = [...r.id].reduce((a, c) => a + c.charCodeAt(0), 0); // the same for a reservation and its settlement
      if (r.kind === 'release' || k % 3 === 0) return JSON.stringify(r); // explain, no conversation
      return JSON.stringify({ ...r, task: k % 3 === 1 ? 'chat' : 'agent', conversation: hashes[k % 2] });
    });
    const fold = foldOf(lines.join('\n'));
    const d = buildReport(fold, options());
    const surfaces = Object.fromEntries(d.breakdowns.surface.map((b) => [b.key, b.cost]));
    const sum = (f: (r: (typeof fold.settled)[number]) => boolean) => fold.settled.filter(f).reduce((a, r) => a + r.cost, 0);
    assert.equal(surfaces.panel, sum((r) => r.task === 'explain'));
    assert.equal(surfaces.chat, sum((r) => r.task === 'chat'));
    assert.equal(surfaces.agent, sum((r) => r.task === 'agent'));
    assert.equal(d.breakdowns.surface.reduce((a, b) => a + b.cost, 0), d.kpis.spend);
    const convs = d.breakdowns.conversation!;
    assert.deepEqual(convs.map((c) => c.key).sort(), ['conversation 01234567', 'conversation fedcba98']);
    for (const h of hashes) assert.equal(convs.find((c) => c.key === `conversation ${h.slice(0, 8)}`)!.cost, sum((r) => r.conversation === h));
    assert.equal(buildReport(foldOf(seedMonthLines(2026, 10, 40)), options()).breakdowns.conversation, undefined, 'no chat, no conversation table');
  });
});
