import { $, NONE, cell, el, setText, showError, showRows } from './dom.js';

/*
 * The Billing panel: this month's fee per currency beside what failover recovered and the net gain
 * (recovered − fee), and every month's statement, each downloadable as CSV.
 */

const REFRESH_MS = 30000;
const monthName = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const moneyFormats = new Map();

let api = null;
let token = null;
let timer = null;

function money(amount, currency) {
  if (!moneyFormats.has(currency)) {
    moneyFormats.set(currency, new Intl.NumberFormat(undefined, { style: 'currency', currency }));
  }
  return moneyFormats.get(currency).format(amount);
}

/** @param accessToken a function giving the session's access token, for the CSV download */
export function openBilling(callApi, accessToken) {
  api = callApi;
  token = accessToken;
  refresh();
}

export function clearBilling() {
  api = null;
  token = null;
  clearTimeout(timer);
  for (const id of ['billing-table', 'statements-table']) {
    const body = $(id).tBodies[0];
    body.replaceChildren();
    delete body.dataset.shown;
  }
  setText($('billing-month'), '');
  showError($('billing-error'), null);
}

async function refresh() {
  const started = api;
  if (!started) {
    return;
  }
  try {
    const { statements } = await started('GET', '/api/v1/billing/statements');
    const current = statements[0];
    const detail = current ? await started('GET', `/api/v1/billing/statements/${current.period}`) : null;
    if (api !== started) {
      return;
    }
    showError($('billing-error'), null);
    renderCurrent(detail);
    renderStatements(statements);
  } catch (error) {
    if (api === started) {
      showError($('billing-error'), error);
    }
  }
  clearTimeout(timer);
  if (api === started) {
    timer = setTimeout(refresh, REFRESH_MS);
  }
}

function renderCurrent(statement) {
  const totals = Object.entries(statement?.totals ?? {}).filter(([, t]) => t.recovered > 0 || t.fee > 0);
  setText($('billing-month'), statement
    ? `${monthName.format(new Date(statement.periodStart))} (${statement.status}), so far` : '');
  showRows($('billing-table').tBodies[0], totals, ([currency, t]) => el('tr', { 'data-currency': currency },
    el('th', { scope: 'row', 'data-field': 'currency' }, currency),
    cell('recovered', money(t.recovered, currency)),
    cell('fee', money(t.fee, currency)),
    cell('net', money(t.recovered - t.fee, currency))));
  $('billing-empty').hidden = totals.length > 0;
}

function renderStatements(statements) {
  showRows($('statements-table').tBodies[0], statements, (s) => el('tr', { 'data-period': s.period },
    el('th', { scope: 'row', 'data-field': 'period' }, s.period),
    cell('status', s.status),
    cell('fees', Object.keys(s.fees).length === 0 ? NONE
      : Object.entries(s.fees).map(([currency, fee]) => money(fee, currency)).join(', ')),
    el('td', {}, el('button', { type: 'button', class: 'small secondary', 'data-csv': s.period,
      'aria-label': `Download the statement of ${s.period} as CSV` }, 'CSV'))));
}

/** The token lives in memory only, so the CSV is fetched with it and handed to the browser as a file. */
async function download(event) {
  const button = event.target.closest('button[data-csv]');
  if (!button || !token) {
    return;
  }
  try {
    const response = await fetch(`/api/v1/billing/statements/${encodeURIComponent(button.dataset.csv)}`,
      { headers: { Accept: 'text/csv', Authorization: `Bearer ${token()}` } });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const url = URL.createObjectURL(await response.blob());
    const link = el('a', { href: url, download: `statement-${button.dataset.csv}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
    button.dataset.downloaded = 'true';
  } catch (error) {
    showError($('billing-error'), error);
  }
}

$('statements-table').addEventListener('click', download);
