import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testModel, tinyModels } from '../harness/testModels';

const PROBE = join(__dirname, '..', 'harness', 'localOnlyProbe.js');
const CHILD = join(__dirname, '..', '..', 'src', 'runtime', 'childMain.js');
/** Inside the fresh namespace every port is free. */
const PROXY = 'http://127.0.0.1:18181';

describe('local-only means loopback only: a network namespace with nothing but lo, every proxy variable set', function () {
  this.timeout(120_000);

  it('the request is answered locally; the proxy sees nothing; no interface but lo exists to leave by', async () => {
    const { SCRIPTED } = await tinyModels();
    const dir = mkdtempSync(join(tmpdir(), 'costwise-netns-'));
    try {
      // A new network namespace (as root, or in a user namespace otherwise); bring lo up; run the probe.
      const asRoot = process.getuid?.() === 0;
      // Node 24 honours HTTP(S)_PROXY for fetch (NODE_USE_ENV_PROXY), as VS Code's http.proxy does for an extension host.
      const node = Number(process.versions.node.split('.')[0]) >= 24 ? process.execPath : (process.env.COSTWISE_NODE24 ?? process.execPath);
      const args = [...(asRoot ? [] : ['--user', '--map-root-user']), '--net', '--', 'sh', '-c', `ip link set lo up && exec "${node}" "${PROBE}" "$0" "$1" "$2"`, await testModel('scripted'), CHILD, dir];
      const r = spawnSync('unshare', args, { encoding: 'utf8', env: { ...process.env, NODE_USE_ENV_PROXY: '1', HTTP_PROXY: PROXY, HTTPS_PROXY: PROXY, http_proxy: PROXY, https_proxy: PROXY, NO_PROXY: '127.0.0.1,localhost,::1' }, timeout: 100_000 });
      assert.equal(r.status, 0, `unshare/probe failed (needs util-linux unshare and iproute2): ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
        chosen: string;
        local: boolean;
        rejectedRemote: string[];
        answer: string;
        error?: string;
        proxyHitsDuringRun: number;
        interfaces: Array<{ name: string; rx: number; tx: number }>;
        controlProxyHits: number;
        control: string;
      };
      assert.equal(out.local, true);
      assert.deepEqual([...new Set(out.rejectedRemote)], ['local-only'], 'every remote model was refused for local-only');
      assert.equal(out.error, undefined);
      assert.equal(out.answer.trim(), SCRIPTED.answer);
      assert.equal(out.proxyHitsDuringRun, 0, 'the capture proxy saw nothing');
      assert.deepEqual(out.interfaces.map((i) => i.name), ['lo'], 'the namespace has only loopback');
      // The control: a deliberate remote request from the same process reaches the capture proxy, so
      // the zero above is a real zero.
      assert.equal(out.controlProxyHits, 1, `control: ${out.control}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
