import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { IMPAIRER_SCRIPT, SYSTEM_PYTHON } from '../../support/link-impairer.js';

// The impairing forwarder's scheduling (delay, jitter without reordering, loss, rate cap, down) is
// pure Python, tested there; its packet path is tested across namespaces in e2e/network-link.
it("link_impairer.py's schedule: delay, jitter, loss, rate cap with drop-tail, down", async () => {
  const { stderr } = await promisify(execFile)(SYSTEM_PYTHON, ['-m', 'unittest', '-v', 'test_link_impairer'], {
    cwd: dirname(IMPAIRER_SCRIPT),
  });
  assert.match(stderr, /Ran 6 tests/);
  assert.match(stderr, /\nOK\s*$/);
});
