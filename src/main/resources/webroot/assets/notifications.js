import { $, NONE, cell, el, formatTime, setText, showError, showRows } from './dom.js';

/*
 * The Alerts and Webhooks panels: alert rules (thresholds editable), what is firing, the alert
 * history; webhook endpoints (the signing secret shown once), a test message, each endpoint's
 * deliveries with their status and response code, and replaying a message.
 */

const REFRESH_MS = 10000;
const KINDS = {
  failover_rate: 'Failover rate',
  gateway_failure_rate: 'Gateway failure rate',
  recovery_time_p95: 'Recovery time p95',
  both_failed_streak: 'Payments failing on both gateways in a row',
};
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 });
const counts = new Intl.NumberFormat();

/** The dashboard's API call while a session is open; null once it ended, so late answers are dropped. */
let api = null;
let timer = null;
let rules = [];
let ruleBeingEdited = null;
let endpointShown = null;

export function openNotifications(callApi) {
  api = callApi;
  refresh();
}

export function clearNotifications() {
  api = null;
  clearTimeout(timer);
  rules = [];
  ruleBeingEdited = null;
  endpointShown = null;
  for (const id of ['rules-table', 'alerts-table', 'endpoints-table', 'deliveries-table']) {
    const body = $(id).tBodies[0];
    body.replaceChildren();
    delete body.dataset.shown;
  }
  $('rule-form').hidden = true;
  showSecret('');
  setText($('alerts-firing'), '');
  setText($('deliveries-for'), 'Choose an endpoint\u2019s deliveries above.');
  showError($('alerts-error'), null);
  showError($('webhooks-error'), null);
}

/** Calls the API for the session that is open now; its answer is dropped if that session ended. */
async function call(method, path, body) {
  const current = api;
  if (!current) {
    return null;
  }
  const data = await current(method, path, body);
  if (api !== current) {
    throw new Error('logged out');
  }
  return data;
}

async function refresh() {
  const started = api;
  await Promise.allSettled([loadRules(), loadAlerts(), loadEndpoints(),
    endpointShown ? loadDeliveries(endpointShown) : null]);
  clearTimeout(timer);
  if (api && api === started) {
    timer = setTimeout(refresh, REFRESH_MS);
  }
}

async function guarded(errorElement, action) {
  showError(errorElement, null);
  try {
    await action();
  } catch (error) {
    if (api) {
      showError(errorElement, error);
    }
  }
}

// ---- alerts -----------------------------------------------------------------------------------

function formatValue(rule, value) {
  if (value == null) {
    return NONE;
  }
  if (rule.kind.endsWith('_rate')) {
    return percent.format(value);
  }
  return rule.kind === 'recovery_time_p95' ? `${counts.format(value)} ms` : counts.format(value);
}

const ruleName = (rule) => KINDS[rule.kind] + (rule.gateway ? ` (${rule.gateway})` : '');

function renderRules() {
  showRows($('rules-table').tBodies[0], rules, (rule) => el('tr', { 'data-rule-id': rule.id, 'data-state': rule.state },
    el('th', { scope: 'row', 'data-field': 'kind' }, ruleName(rule)),
    cell('threshold', `${rule.kind === 'both_failed_streak' ? '≥' : '>'} ${formatValue(rule, rule.threshold)}`),
    cell('resolveThreshold', `< ${formatValue(rule, rule.resolveThreshold)}`),
    cell('window', `${counts.format(rule.windowSeconds / 60)} min`),
    cell('state', rule.state),
    el('td', {}, el('button', { type: 'button', class: 'small', 'data-edit': rule.id,
      'aria-label': `Edit the rule ${ruleName(rule)}` }, 'Edit'))));
  const firing = rules.filter((rule) => rule.state === 'firing');
  setText($('alerts-firing'), firing.length === 0 ? 'Nothing is firing.'
    : `Firing now: ${firing.map((rule) => `${ruleName(rule)} above ${formatValue(rule, rule.threshold)}`).join('; ')}`);
}

const loadRules = () => guarded($('alerts-error'), async () => {
  rules = (await call('GET', '/api/v1/alerts/rules')).rules;
  renderRules();
});

const loadAlerts = () => guarded($('alerts-error'), async () => {
  const { alerts } = await call('GET', '/api/v1/alerts');
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  showRows($('alerts-table').tBodies[0], alerts, (alert) => {
    const rule = byId.get(alert.ruleId) ?? { kind: 'failover_rate' };
    return el('tr', { 'data-alert-id': alert.id },
      cell('startedAt', formatTime(alert.startedAt)),
      cell('rule', byId.has(alert.ruleId) ? ruleName(rule) : NONE),
      cell('state', alert.state),
      cell('value', formatValue(rule, alert.value)),
      cell('threshold', formatValue(rule, alert.threshold)),
      cell('resolvedAt', formatTime(alert.resolvedAt)));
  });
  $('alerts-empty').hidden = alerts.length > 0;
});

function editRule(event) {
  const button = event.target.closest('button[data-edit]');
  if (!button) {
    return;
  }
  ruleBeingEdited = rules.find((rule) => rule.id === button.dataset.edit);
  setText($('rule-form-title'), `Edit: ${ruleName(ruleBeingEdited)}`);
  $('rule-threshold').value = ruleBeingEdited.threshold;
  $('rule-resolve').value = ruleBeingEdited.resolveThreshold;
  $('rule-form').hidden = false;
  $('rule-threshold').focus();
}

function saveRule(event) {
  event.preventDefault();
  const rule = ruleBeingEdited;
  guarded($('alerts-error'), async () => {
    const settings = { kind: rule.kind, threshold: Number($('rule-threshold').value),
      resolveThreshold: Number($('rule-resolve').value), windowSeconds: rule.windowSeconds,
      minEvents: rule.minEvents, forSeconds: rule.forSeconds };
    if (rule.gateway) {
      settings.gateway = rule.gateway;
    }
    await call('PUT', `/api/v1/alerts/rules/${encodeURIComponent(rule.id)}`, settings);
    $('rule-form').hidden = true;
    ruleBeingEdited = null;
    await loadRules();
    $('alerts-heading').focus();
  });
}

// ---- webhooks ---------------------------------------------------------------------------------

function showSecret(secret) {
  $('new-secret-value').textContent = secret;
  $('new-secret-panel').hidden = !secret;
}

const loadEndpoints = () => guarded($('webhooks-error'), async () => {
  const { endpoints } = await call('GET', '/api/v1/webhooks/endpoints');
  showRows($('endpoints-table').tBodies[0], endpoints, (endpoint) => el('tr', { 'data-endpoint-id': endpoint.id },
    el('th', { scope: 'row', 'data-field': 'url' }, endpoint.url),
    cell('eventTypes', endpoint.eventTypes ? endpoint.eventTypes.join(', ') : 'All'),
    cell('status', endpoint.enabled ? 'Active' : `Disabled: ${endpoint.disabledReason ?? 'by you'}`),
    cell('createdAt', formatTime(endpoint.createdAt)),
    el('td', {},
      el('button', { type: 'button', class: 'small', 'data-test': endpoint.id,
        'aria-label': `Send a test message to ${endpoint.url}` }, 'Send test'),
      ' ',
      el('button', { type: 'button', class: 'small secondary', 'data-deliveries': endpoint.id,
        'aria-label': `Show the deliveries to ${endpoint.url}` }, 'Deliveries'))));
  $('endpoints-empty').hidden = endpoints.length > 0;
});

async function loadDeliveries(endpointId) {
  await guarded($('webhooks-error'), async () => {
    const { deliveries } = await call('GET',
      `/api/v1/webhooks/endpoints/${encodeURIComponent(endpointId)}/deliveries?limit=20`);
    showRows($('deliveries-table').tBodies[0], deliveries, (delivery) => el('tr',
      { 'data-delivery-id': delivery.id, 'data-message-id': delivery.messageId },
      cell('createdAt', formatTime(delivery.createdAt)),
      cell('eventType', delivery.eventType),
      cell('attempt', String(delivery.attempt)),
      cell('status', delivery.status),
      cell('responseStatus', delivery.responseStatus == null ? NONE : String(delivery.responseStatus)),
      cell('durationMs', delivery.durationMs == null ? NONE : `${counts.format(delivery.durationMs)} ms`),
      el('td', {}, el('button', { type: 'button', class: 'small secondary', 'data-replay': delivery.messageId,
        'aria-label': `Send the message ${delivery.messageId} again` }, 'Replay'))));
  });
}

function createEndpoint(event) {
  event.preventDefault();
  const button = $('create-endpoint');
  button.disabled = true;
  guarded($('webhooks-error'), async () => {
    const created = await call('POST', '/api/v1/webhooks/endpoints', { url: $('endpoint-url').value.trim() });
    showSecret(created.secret);
    $('endpoint-form').reset();
    await loadEndpoints();
  }).finally(() => {
    button.disabled = false;
  });
}

function endpointAction(event) {
  const test = event.target.closest('button[data-test]');
  const deliveries = event.target.closest('button[data-deliveries]');
  const endpointId = test?.dataset.test ?? deliveries?.dataset.deliveries;
  if (!endpointId) {
    return;
  }
  endpointShown = endpointId;
  const url = event.target.closest('tr').cells[0].textContent;
  setText($('deliveries-for'), `Deliveries to ${url}, newest first.`);
  guarded($('webhooks-error'), async () => {
    if (test) {
      await call('POST', `/api/v1/webhooks/endpoints/${encodeURIComponent(endpointId)}/test`);
    }
    await loadDeliveries(endpointId);
  });
}

function replay(event) {
  const button = event.target.closest('button[data-replay]');
  if (!button) {
    return;
  }
  guarded($('webhooks-error'), async () => {
    await call('POST', `/api/v1/webhooks/messages/${encodeURIComponent(button.dataset.replay)}/replay`);
    await loadDeliveries(endpointShown);
  });
}

$('rules-table').addEventListener('click', editRule);
$('rule-form').addEventListener('submit', saveRule);
$('rule-cancel').addEventListener('click', () => {
  $('rule-form').hidden = true;
  ruleBeingEdited = null;
});
$('endpoint-form').addEventListener('submit', createEndpoint);
$('dismiss-secret').addEventListener('click', () => showSecret(''));
$('endpoints-table').addEventListener('click', endpointAction);
$('deliveries-table').addEventListener('click', replay);
