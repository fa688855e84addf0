// The one bridge from the pages to the core: types only (erased; the pages talk to the core over
// HTTP). The pages' JSDoc imports them from here, so a change of the API's shape fails `npm run build`.
export type { SessionInfo } from '../../electron/core/session/session-info.js';
export type { TransformInfo } from '../../electron/core/transforms/registry.js';
export type { ParamSpec, ParamValues } from '../../electron/core/transforms/types.js';
export type { PairingInfo } from '../../electron/core/http/control-api.js';
export type { AdmissionInfo } from '../../electron/core/session/admission.js';
export type { IceServer } from '../../electron/core/webrtc/ice-servers.js';
export type { ResultEvent } from '../../electron/core/detect/events.js';
export type { ModelInfo } from '../../electron/core/session/session-results.js';
export type { CallRates } from '../../electron/core/session/session-info.js';
export type { FeedEvent, FeedSnapshot } from '../../electron/core/session/session-feed.js';
export type { SettingsInfo } from '../../electron/core/http/settings-api.js';
export type { AppLoad } from '../../electron/core/base/process-load.js';
