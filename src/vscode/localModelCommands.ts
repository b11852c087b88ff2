import { join } from 'node:path';
import * as vscode from 'vscode';
import { energyPer1kTokens } from '../core/pricing/energy';
import { formatUsd } from '../core/money';
import { CPU_PROVENANCE, describeProvenance, H200_PROVENANCE } from '../core/runtime/measuredSpeeds';
import { adviseDistills, fullR1WhatIf, gb, recommendedDistill, type DistillAdvice, type Hardware } from '../core/runtime/hardwareAdvisor';
import { probeHardware } from '../runtime/hardware';
import { downloadModel, DownloadError } from '../runtime/modelDownload';
import type { LocalModels } from './localModels';
import type { MarkdownDocument } from './markdownDocument';
import type { SettingsGateway } from './settingsGateway';

const FIT_TEXT: Record<DistillAdvice['fit'], string> = { gpu: 'fits on the GPU', cpu: 'fits in memory', tight: 'fits, tightly', no: 'does not fit' };

/**
 * "Download Local Model…": shows each distill's size and fit for this machine, asks before anything is
 * downloaded, then downloads into VS Code's storage for Costwise with a cancellable progress
 * notification (an interrupted download resumes), and verifies the file before it is used.
 * `arg` lets tests skip the pickers: `{ key, url, confirmed }` (`url` must be a loopback URL).
 */
export async function downloadLocalModel(local: LocalModels, settings: SettingsGateway, arg?: { key?: string; url?: string; confirmed?: boolean }): Promise<string | undefined> {
  const hw = await probeHardware();
  const advice = adviseDistills(hw);
  const best = recommendedDistill(advice);
  let choice: DistillAdvice | undefined = arg?.key ? advice.find((a) => a.distill.key === arg.key) : undefined;
  if (!choice) {
    const pick = await vscode.window.showQuickPick(
      advice.map((a) => ({
        label: `${a.fit === 'no' ? '$(warning) ' : ''}${a.distill.label}${a === best ? '  (recommended)' : ''}`,
        description: `${gb(a.distill.fileBytes)} · ${FIT_TEXT[a.fit]}`,
        detail: a.tokensPerSecond ? `About ${a.tokensPerSecond[0]}–${a.tokensPerSecond[1]} tokens/s here (${a.note}; ${a.source}).` : a.note,
        advice: a,
      })),
      { title: 'Costwise: Download Local Model', placeHolder: `This machine: ${gb(hw.totalMemoryBytes)} memory, ${hw.physicalCores} cores${hw.gpuName ? `, ${hw.gpuName}` : ''}` },
    );
    choice = pick?.advice;
  }
  if (!choice) return undefined;
  const d = choice.distill;
  const url = arg?.url && /^http:\/\/127\.0\.0\.1[:/]/.test(arg.url) ? arg.url : d.download.url;
  if (!arg?.confirmed) {
    const go = await vscode.window.showWarningMessage(
      `Download ${d.label} (about ${gb(d.fileBytes)}) from ${new URL(url).host}?`,
      { modal: true, detail: `It is saved in VS Code's storage for Costwise and runs on this machine only. ${choice.fit === 'no' ? 'It will not fit in this machine’s memory. ' : ''}Nothing is downloaded unless you choose Download.` },
      'Download',
    );
    if (go !== 'Download') return undefined;
  }
  const dest = join(local.modelsDir, d.download.file);
  await vscode.workspace.fs.createDirectory(vscode.Uri.file(local.modelsDir));
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Costwise: downloading ${d.label}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let shown = 0;
        return downloadModel({
          url,
          dest,
          expectedBytes: arg?.url ? undefined : d.fileBytes,
          expectedArchitecture: d.architecture,
          signal: abort.signal,
          onProgress: ({ received, total }) => {
            const pct = total ? (received / total) * 100 : 0;
            progress.report({ increment: pct - shown, message: `${gb(received)}${total ? ` of ${gb(total)}` : ''}` });
            shown = pct;
          },
        });
      },
    );
    const configured = settings.current().settings.local.modelPath;
    if (!configured) void vscode.window.showInformationMessage(`Costwise: ${d.label} is ready (${gb(result.bytes)}, verified). Local answers now use it.`);
    else {
      // costwise.local.modelPath wins over downloads: ask before changing what runs.
      void vscode.window.showInformationMessage(`Costwise: ${d.label} is ready (${gb(result.bytes)}, verified), but costwise.local.modelPath still names ${configured}.`, 'Use the Download').then((pick) => {
        if (pick) void settings.setLocalModelPath('');
      });
    }
    return result.file;
  } catch (e) {
    const message = e instanceof DownloadError ? e.message : `The download failed: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(`Costwise: ${message}`, 'Try Again').then((pick) => {
      if (pick) void vscode.commands.executeCommand('costwise.downloadLocalModel');
    });
    return undefined;
  }
}

/** "Show Local Models": the embedded model, servers found on this machine, and what fits this hardware. */
export async function showLocalModels(local: LocalModels, settings: SettingsGateway, doc: MarkdownDocument): Promise<string> {
  const s = settings.current().settings;
  const servers = await local.servers(s, true);
  const [hw, offer] = await Promise.all([probeHardware(), local.offer(s)]);
  const runtime = local.runtime(s);
  const file = local.modelFile(s);
  const lines = ['# Local models', ''];
  lines.push('## Embedded runtime', '');
  if (!s.local.embedded) lines.push('Off (`costwise.local.embedded`).');
  else if (!file) lines.push('No model yet: run **Costwise: Download Local Model…** or set `costwise.local.modelPath`.');
  else {
    lines.push(`- Model: \`${file}\``);
    lines.push(`- State: ${runtime?.isRunning ? `running (process ${runtime.pid})` : 'starts on the first local request'}`);
    const tps = runtime?.measuredTokensPerSecond;
    lines.push(`- Speed: ${tps ? `${tps.toFixed(1)} tokens/s measured` : 'not measured yet'}`);
    const per1k = offer.models.find((m) => m.endpoint === 'embedded')?.costPer1kTokens;
    if (per1k !== undefined) lines.push(`- Energy price: ${formatUsd(per1k)} per 1,000 tokens at ${s.energy.watts} W and $${s.energy.usdPerKwh}/kWh`);
  }
  lines.push('', '## Servers on this machine', '');
  if (!servers.length) lines.push(`None found${s.local.discovery ? ' on the usual ports (Ollama 11434, LM Studio 1234, llama-server 8080, vLLM 8000)' : ' (discovery is off)'}.`);
  if (runtime && local.recentEvents.length) lines.splice(lines.indexOf('## Servers on this machine') - 1, 0, '', '<details><summary>Recent runtime events</summary>', '', ...local.recentEvents.map((e) => `- ${e}`), '', '</details>');
  for (const sv of servers) {
    lines.push(`### ${sv.kind} at ${sv.baseUrl} — ${sv.detail}`, '', '| model | R1 distill | context | quantisation |', '|---|---|---:|---|');
    for (const m of sv.models) lines.push(`| \`${m.id}\` | ${m.qualityKey ?? '— (not routed)'} | ${m.contextLength ?? ''} | ${m.quantization ?? ''} |`);
    lines.push('');
  }
  lines.push('', hardwareMarkdown(hw, s.energy));
  const text = lines.join('\n');
  doc.set(text);
  await doc.show();
  return text;
}

function hardwareMarkdown(hw: Hardware, energy: { watts: number; usdPerKwh: number; hardwareUsdPerHour: number }): string {
  const advice = adviseDistills(hw);
  const best = recommendedDistill(advice);
  const row = (a: DistillAdvice) => {
    const tps = a.tokensPerSecond;
    const per1k = tps ? formatUsd(energyPer1kTokens((tps[0] + tps[1]) / 2, energy)) : '—';
    return `| ${a.distill.label}${a === best ? ' (recommended)' : ''} | ${gb(a.distill.fileBytes)} | ${gb(a.distill.memoryBytes)} | ${FIT_TEXT[a.fit]} | ${tps ? `${tps[0]}–${tps[1]}` : '—'} | ${per1k} | ${a.source ?? '—'} |`;
  };
  return [
    `## This machine: ${gb(hw.totalMemoryBytes)} memory, ${hw.physicalCores} physical cores${hw.gpuName ? `, ${hw.gpuName} (${gb(hw.gpuMemoryBytes!)})` : ', no GPU seen'}`,
    '',
    '| distill (Q4_K_M) | file | memory | fit | tokens/s (rough) | energy per 1k tokens | speed from |',
    '|---|---:|---:|---|---:|---:|---|',
    ...advice.map(row),
    '',
    `Speeds come from measurements (docs/bench-gpu.md): ${describeProvenance(H200_PROVENANCE)}; and ${describeProvenance(CPU_PROVENANCE)}. Once the embedded model has answered, its own measured speed replaces these.`,
    '',
    `The full DeepSeek-R1 (671B parameters, ~37B active) needs ${fullR1WhatIf(hw).map((w) => `${gb(w.weightsBytes)} at ${w.precision}`).join(', ')} for its weights alone — a multi-GPU server (8 x H100 80 GB at full precision), not a workstation.`,
  ].join('\n');
}
