import { renderChart } from './chart.js';
import { $, NONE, cell, el, formatTime, setText, showError, showRows } from './dom.js';
import { clearBilling, openBilling } from './billing.js';
import { clearNotifications, openNotifications } from './notifications.js';

/*
 * The dashboard. The tokens live in this module's memory only, never in localStorage or a cookie:
 * nothing outlives the page for a stray script to read, and a reload asks for a new login.
 * Every text from the server goes in through textContent or text nodes, never as HTML.
 */

const REFRESH_MS = 5000;
/** Renew the access token this long before it expires, so polling never runs into a 401. */
const RENEW_MARGIN_SECONDS = 60;
const RANGES = {
  '1h': { ms: 3_600_000, interval: 'minute' },
  '24h': { ms: 86_400_000, interval: 'hour' },
  '7d': { ms: 604_800_000, interval: 'hour' },
};
/** The live window behind the events-per-second tile: long enough not to jump with every burst. */
const LIVE_WINDOW = '5m';
const LOADING = '…';

const counts = new Intl.NumberFormat();
const perSecond = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const millis = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'millisecond' });
const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const moneyFormats = new Map();

let session = null;
/** The one token renewal in flight: a refresh token works once, so a second use would end the session. */
let renewal = null;
/** Bumped at every log-out, so answers to requests of an ended session are dropped, not shown. */
let generation = 0;
let pollTimer = null;
/** The dashboard refresh in flight; a range or visibility change waits for it instead of doubling the polls. */
let cycle = null;
let lastSeries = null;
let keyToRevoke = null;

/** An RFC 9457 problem document (or a network failure) as an error whose message is "title: detail". */
class ApiProblem extends Error {
  constructor(status, problem) {
    const title = problem?.title ?? `HTTP ${status}`;
    super(problem?.detail ? `${title}: ${problem.detail}` : title);
    this.status = status;
  }
}

async function request(method, path, { body, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiProblem(0, { title: 'Network error', detail: 'the server cannot be reached' });
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiProblem(response.status, data);
  }
  return data;
}

/** A call with the access token; one that was refused as expired is renewed once and sent again. */
async function api(method, path, body) {
  const send = () => {
    if (!session) {
      throw new ApiProblem(401, { title: 'Logged out' });
    }
    return request(method, path, { body, token: session.accessToken });
  };
  try {
    return await send();
  } catch (error) {
    if (error.status !== 401 || !session) {
      throw error;
    }
    await renewTokens();
    return send();
  }
}

function startSession(tokens) {
  clearTimeout(session?.renewTimer);
  const delaySeconds = Math.max(tokens.expiresIn - RENEW_MARGIN_SECONDS, 10);
  session = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    // A failed renewal has already ended the session and said so: nothing is left to handle here.
    renewTimer: setTimeout(() => renewTokens().catch(() => {}), delaySeconds * 1000),
  };
}

function renewTokens() {
  renewal ??= request('POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })
    .then(startSession, (error) => {
      endSession('Your session has ended. Please log in again.');
      throw error;
    })
    .finally(() => {
      renewal = null;
    });
  return renewal;
}

function endSession(message) {
  clearTimeout(session?.renewTimer);
  clearTimeout(pollTimer);
  session = null;
  generation += 1;
  clearDashboard();
  $('dashboard').hidden = true;
  $('session-bar').hidden = true;
  $('login-view').hidden = false;
  $('login-notice').textContent = message;
  $('login-email').focus();
}

/** Says whether the session that was current when it was made still is: late answers are dropped. */
function sessionCheck() {
  const started = generation;
  return () => generation === started;
}

// ---- rendering helpers ----------------------------------------------------------------------

function moneyFormat(currency) {
  if (!moneyFormats.has(currency)) {
    moneyFormats.set(currency, new Intl.NumberFormat(undefined, { style: 'currency', currency }));
  }
  return moneyFormats.get(currency);
}

/** Events carry minor units; Intl knows each currency's digits (2 for USD, 0 for JPY). For display only. */
function formatMinorUnits(amount, currency) {
  const format = moneyFormat(currency);
  return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
}

/** Aggregates carry major units already, exact decimals as JSON numbers. */
function formatRevenue(revenue) {
  const amounts = Object.entries(revenue).map(([currency, amount]) => moneyFormat(currency).format(amount));
  return amounts.length > 0 ? amounts.join(', ') : NONE;
}

const formatMs = (value) => (value == null ? NONE : millis.format(value));
const rangeName = () => $('range').selectedOptions[0].textContent.toLowerCase();

// ---- the dashboard's parts --------------------------------------------------------------------

function renderLive({ windows }) {
  const recent = windows[LIVE_WINDOW];
  setText($('tile-eps'), perSecond.format(recent.eventsPerSecond));
  setText($('tile-eps-events'), counts.format(recent.events));
}

function renderOverview(overview) {
  setText($('tile-failover-rate'), percent.format(overview.failoverRate));
  setText($('tile-failover-note'),
    `${counts.format(overview.failoverEvents)} of ${counts.format(overview.totalEvents)} events, ${rangeName()}`);
  setText($('tile-recovery-p95'), formatMs(overview.recoveryTimeP95));
  setText($('tile-recovery-note'),
    `over ${counts.format(overview.successfulRecoveries)} `
    + `${overview.successfulRecoveries === 1 ? 'recovery' : 'recoveries'}, p50 ${formatMs(overview.recoveryTimeP50)}`);
  const revenue = Object.entries(overview.recoveredRevenue);
  $('tile-revenue-none').hidden = revenue.length > 0;
  showRows($('tile-revenue'), revenue,
    ([currency, amount]) => el('li', { 'data-currency': currency }, moneyFormat(currency).format(amount)));
  setText($('tile-revenue-note'), `${percent.format(overview.recoveryRate)} of failovers recovered`);
}

function renderSeries(series, spanMs) {
  lastSeries = { series, spanMs };
  renderChart({ chart: $('chart'), summary: $('chart-summary'), table: $('chart-table') }, series, spanMs);
}

function renderGateways({ gateways }) {
  $('gateways-empty').hidden = gateways.length > 0;
  showRows($('gateways-table').tBodies[0], gateways, (g) => el('tr', { 'data-gateway': g.gateway },
    el('th', { scope: 'row' }, g.gateway),
    cell('asPrimary', counts.format(g.asPrimary)),
    cell('primaryFailures', counts.format(g.primaryFailures)),
    cell('primaryFailureRate', percent.format(g.primaryFailureRate)),
    cell('asFailover', counts.format(g.asFailover)),
    cell('failoverSuccesses', counts.format(g.failoverSuccesses)),
    cell('latencyP50', formatMs(g.latencyP50)),
    cell('latencyP95', formatMs(g.latencyP95)),
    cell('latencyP99', formatMs(g.latencyP99)),
    cell('recoveredRevenue', formatRevenue(g.recoveredRevenue))));
}

function outcome(event) {
  if (event.failoverUsed) {
    return event.success ? 'Recovered' : 'Failover failed';
  }
  return event.success ? 'Succeeded' : 'Failed';
}

function renderEvents({ events }) {
  $('events-empty').hidden = events.length > 0;
  showRows($('events-table').tBodies[0], events, (e) => el('tr', { 'data-event-id': e.eventId },
    el('td', { 'data-field': 'occurredAt' }, el('time', { datetime: e.occurredAt }, formatTime(e.occurredAt))),
    el('th', { scope: 'row', 'data-field': 'eventId' }, e.eventId),
    cell('route', e.failoverUsed ? `${e.primaryGateway} → ${e.gatewayUsed}` : e.gatewayUsed),
    cell('outcome', outcome(e)),
    cell('amount', formatMinorUnits(e.amount, e.currency)),
    cell('latencyMs', formatMs(e.latencyMs)),
    cell('recoveryTimeMs', formatMs(e.recoveryTimeMs))));
}

function keyStatus(key) {
  if (key.revokedAt) {
    return `Revoked ${formatTime(key.revokedAt)}`;
  }
  return key.expiresAt && new Date(key.expiresAt) <= new Date() ? 'Expired' : 'Active';
}

function renderKeys({ keys }) {
  showRows($('keys-table').tBodies[0], keys, (k) => el('tr', { 'data-key-id': k.id, 'data-prefix': k.prefix },
    el('th', { scope: 'row', 'data-field': 'name' }, k.name),
    el('td', { 'data-field': 'prefix' }, el('code', {}, `${k.prefix}…`)),
    cell('createdAt', formatTime(k.createdAt)),
    cell('lastUsedAt', formatTime(k.lastUsedAt)),
    cell('expiresAt', k.expiresAt ? formatTime(k.expiresAt) : 'Never'),
    cell('status', keyStatus(k)),
    el('td', {}, k.revokedAt ? '' : el('button', { type: 'button', class: 'danger small', 'data-revoke': k.id,
      'aria-label': `Revoke the key ${k.name} (${k.prefix}…)` }, 'Revoke'))));
}

function clearDashboard() {
  for (const id of ['tile-eps', 'tile-eps-events', 'tile-failover-rate', 'tile-recovery-p95']) {
    $(id).textContent = LOADING;
  }
  for (const container of [$('tile-revenue'), ...document.querySelectorAll('#dashboard tbody')]) {
    container.replaceChildren();
    delete container.dataset.shown;
  }
  for (const id of ['tile-failover-note', 'tile-recovery-note', 'tile-revenue-note', 'updated', 'chart-summary',
    'account-name']) {
    $(id).textContent = '';
  }
  $('chart').replaceChildren();
  lastSeries = null;
  showNewKey('');
  showError($('refresh-error'), null);
  showError($('keys-error'), null);
  clearNotifications();
  clearBilling();
}

// ---- loading ----------------------------------------------------------------------------------

async function loadDashboard() {
  const current = sessionCheck();
  const range = RANGES[$('range').value];
  const to = new Date();
  const query = `from=${encodeURIComponent(new Date(to - range.ms).toISOString())}`
    + `&to=${encodeURIComponent(to.toISOString())}`;
  const parts = [
    ['/api/v1/metrics/live', renderLive],
    [`/api/v1/metrics/overview?${query}`, renderOverview],
    [`/api/v1/metrics/timeseries?${query}&interval=${range.interval}`, (series) => renderSeries(series, range.ms)],
    [`/api/v1/metrics/gateways?${query}`, renderGateways],
    ['/api/v1/analytics/events?limit=20', renderEvents],
  ];
  const results = await Promise.allSettled(parts.map(async ([path, render]) => {
    const data = await api('GET', path);
    if (current()) {
      render(data);
    }
  }));
  if (current()) {
    showError($('refresh-error'), results.find((result) => result.status === 'rejected')?.reason);
    setText($('updated'), `Updated at ${timeOfDay.format(to)}`);
  }
}

/** Polls while the tab is visible; visibilitychange starts it again. */
function refreshDashboard() {
  if (!session || document.visibilityState !== 'visible') {
    return;
  }
  cycle ??= loadDashboard().finally(() => {
    cycle = null;
    clearTimeout(pollTimer);
    if (session) {
      pollTimer = setTimeout(refreshDashboard, REFRESH_MS);
    }
  });
}

/** Loads one part outside the polling cycle; a failure is shown in `errorElement`. */
async function loadPart(path, render, errorElement) {
  const current = sessionCheck();
  try {
    const data = await api('GET', path);
    if (current()) {
      render(data);
    }
  } catch (error) {
    if (current()) {
      showError(errorElement, error);
    }
  }
}

const loadKeys = () => loadPart('/api/v1/keys', renderKeys, $('keys-error'));
const loadProfile = () => loadPart('/api/v1/customers/profile',
  (profile) => setText($('account-name'), `${profile.companyName} · ${profile.email}`), $('refresh-error'));

// ---- actions ----------------------------------------------------------------------------------

/** What a person at the login form needs to read, rather than the API's generic problem text. */
function loginProblem(error) {
  if (error.status === 401) {
    return new Error('Wrong email or password.');
  }
  if (error.status === 429) {
    const seconds = /(\d+) s/.exec(error.message)?.[1];
    return new Error(seconds ? `Too many attempts. Try again in ${seconds} s.` : 'Too many attempts. Try again later.');
  }
  return error;
}

async function logIn(event) {
  event.preventDefault();
  const button = $('login-button');
  button.disabled = true;
  showError($('login-error'), null);
  try {
    startSession(await request('POST', '/api/v1/customers/login',
      { body: { email: $('login-email').value, password: $('login-password').value } }));
    $('login-form').reset();
    openDashboard();
  } catch (error) {
    showError($('login-error'), loginProblem(error));
  } finally {
    button.disabled = false;
  }
}

function openDashboard() {
  $('login-notice').textContent = '';
  $('login-view').hidden = true;
  $('dashboard').hidden = false;
  $('session-bar').hidden = false;
  $('overview-heading').focus();
  loadProfile();
  loadKeys();
  openNotifications(api);
  openBilling(api, () => session?.accessToken);
  refreshDashboard();
}

async function logOut() {
  if (!session) {
    return;
  }
  let message = 'You have logged out.';
  try {
    await api('POST', '/api/v1/auth/logout', { refreshToken: session.refreshToken });
  } catch (error) {
    message = `You are logged out of this page, but the server did not confirm it (${error.message}).`;
  }
  endSession(message);
}

function showNewKey(key) {
  $('new-key-value').textContent = key;
  $('copy-status').textContent = '';
  $('new-key-panel').hidden = !key;
}

async function createKey(event) {
  event.preventDefault();
  const button = $('create-key');
  const name = $('key-name').value.trim();
  button.disabled = true;
  showError($('keys-error'), null);
  try {
    const created = await api('POST', '/api/v1/keys', name ? { name } : {});
    showNewKey(created.key);
    $('key-form').reset();
    $('copy-key').focus();
    await loadKeys();
  } catch (error) {
    showError($('keys-error'), error);
  } finally {
    button.disabled = false;
  }
}

async function copyKey() {
  try {
    await navigator.clipboard.writeText($('new-key-value').textContent);
    $('copy-status').textContent = 'Copied to the clipboard.';
  } catch {
    // No clipboard access (permission refused, or not a secure context): select it for Ctrl+C instead.
    getSelection().selectAllChildren($('new-key-value'));
    $('copy-status').textContent = 'The browser did not allow copying: the key is selected, press Ctrl+C.';
  }
}

function askToRevoke(event) {
  const button = event.target.closest('button[data-revoke]');
  if (!button) {
    return;
  }
  const row = button.closest('tr');
  keyToRevoke = button.dataset.revoke;
  $('revoke-question').textContent = `Apps that send the key "${row.cells[0].textContent}" (${row.dataset.prefix}…)`
    + ' will be refused within a second. This cannot be undone.';
  $('revoke-dialog').showModal();
}

async function revokeKey() {
  $('revoke-dialog').close();
  showError($('keys-error'), null);
  try {
    await api('DELETE', `/api/v1/keys/${encodeURIComponent(keyToRevoke)}`);
    await loadKeys();
  } catch (error) {
    showError($('keys-error'), error);
  }
  $('keys-heading').focus();
}

$('login-form').addEventListener('submit', logIn);
$('logout-button').addEventListener('click', logOut);
$('range').addEventListener('change', () => (cycle ?? Promise.resolve()).then(refreshDashboard));
$('key-form').addEventListener('submit', createKey);
$('copy-key').addEventListener('click', copyKey);
$('dismiss-key').addEventListener('click', () => showNewKey(''));
$('keys-table').addEventListener('click', askToRevoke);
$('revoke-cancel').addEventListener('click', () => $('revoke-dialog').close());
$('revoke-confirm').addEventListener('click', revokeKey);
document.addEventListener('visibilitychange', refreshDashboard);
window.addEventListener('resize', () => {
  if (lastSeries) {
    renderSeries(lastSeries.series, lastSeries.spanMs);
  }
});
