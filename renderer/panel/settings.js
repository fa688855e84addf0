// @ts-check
// The panel's settings: what CamLoop keeps across restarts (the network whose link the QR code
// shows, the recordings folder), a settings file it had to set aside, and new tokens (each ends
// the links made with the old one, and the panel says so).

/** @typedef {import('../shared/api-types').SettingsInfo} SettingsInfo */
/** @typedef {(path: string, init?: RequestInit) => Promise<any>} Api */

/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);

/** @param {string} text */
function notify(text) {
  $('notice').textContent = text;
}

/**
 * @param {Api} api
 * @param {(path?: string, init?: RequestInit) => Promise<void>} loadPairing  reloads the QR code and the viewer links
 */
export async function setUpSettings(api, loadPairing) {
  /** @type {SettingsInfo} */
  const settings = await api('/api/settings');
  $('settings-problem').hidden = !settings.problem;
  $('settings-problem').textContent = settings.problem ? `⚠ Settings reset: ${settings.problem}` : '';
  $('recordings-dir').value = settings.recordingsDir;
  $('recordings-dir').placeholder = settings.defaultRecordingsDir;
  $('save-recordings-dir').addEventListener('click', () =>
    api('/api/settings', { method: 'PUT', body: JSON.stringify({ recordingsDir: $('recordings-dir').value.trim() || null }) }).then(
      (saved) => {
        $('recordings-dir').value = saved.recordingsDir;
        notify(`Recordings go to ${saved.recordingsDir}`);
      },
      (error) => notify(`⚠ ${error.message}`),
    ),
  );
  // The network chosen for the QR code is the one shown next time.
  $('address').addEventListener('change', () =>
    api('/api/settings', { method: 'PUT', body: JSON.stringify({ network: $('address').value || null }) }).catch((error) =>
      notify(`⚠ ${error.message}`),
    ),
  );
  $('rotate').addEventListener('click', () =>
    loadPairing('/api/pairing/rotate', { method: 'POST' }).then(
      () => notify('New pairing code: the old QR code and link no longer work. Cameras already connected stay connected.'),
      (error) => notify(`⚠ ${error.message}`),
    ),
  );
  $('rotate-viewer').addEventListener('click', () =>
    api('/api/viewer-token/rotate', { method: 'POST' })
      .then(async ({ endedPlayers }) => {
        await loadPairing();
        notify(
          `New viewer token: the old viewer links no longer play${endedPlayers ? ` (${endedPlayers} player${endedPlayers === 1 ? '' : 's'} ended)` : ''}. Copy each camera's Viewer link again.`,
        );
      })
      .catch((error) => notify(`⚠ ${error.message}`)),
  );
}
