// Renders both targets' built modules (dist/, from build.mjs) in jsdom,
// with a stubbed `shopify` global and a stubbed fetch: each state of a Tari
// order, an order paid another way, and the fallbacks.
import {test, mock, beforeEach, afterEach} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {JSDOM} from 'jsdom';

const thankYou = (await import('../dist/ThankYou.js')).default;
const orderStatus = (await import('../dist/OrderStatus.js')).default;

const SERVER = 'https://pay.example.com';
const ORDER = '5796499259001';
const en = JSON.parse(readFileSync(new URL('../locales/en.default.json', import.meta.url)));

// translate is the platform's i18n.translate over en.default.json.
function translate(key, values = {}) {
  const text = key.split('.').reduce((node, k) => node?.[k], en);
  assert.equal(typeof text, 'string', `no translation for ${key}`);
  return text.replace(/{{(\w+)}}/g, (_, name) => String(values[name]));
}

let requests;

beforeEach(() => {
  globalThis.document = new JSDOM('<!doctype html><body></body>').window.document;
  requests = [];
  globalThis.shopify = {
    settings: {value: {server_url: SERVER + '/'}},
    sessionToken: {get: async () => 'session-token'},
    i18n: {translate},
    orderConfirmation: {value: {order: {id: `gid://shopify/OrderIdentity/${ORDER}`}}},
    checkoutToken: {value: 'checkout-mine'},
    order: {value: {id: `gid://shopify/Order/${ORDER}`}},
  };
});

afterEach(() => {
  mock.timers.reset();
  delete globalThis.fetch;
});

// answer makes fetch answer status and body (JSON), recording the request.
function answer(status, body) {
  globalThis.fetch = async (url, init) => {
    requests.push({url, headers: init.headers});
    return new Response(JSON.stringify(body), {status, headers: {'Content-Type': 'application/json'}});
  };
}

const open = {
  order_id: ORDER, name: '#9001', state: 'open', status: 'Unclaimed',
  amount_micro_tari: 25_000_000, amount: '25 XTR', expires_at: '2026-12-07T12:00:00Z', seconds_left: 6930,
  note: 'order 5796499259001', qr_url: `${SERVER}/pay/tok/qr.png`, pay_url: `${SERVER}/pay/tok`,
};

const text = () => document.body.textContent;

test('Thank-you page: an open order, proven by the checkout token', async () => {
  answer(200, open);
  await thankYou();
  assert.equal(requests.length, 1);
  assert.equal(requests[0].url, `${SERVER}/shopify/extension/orders/${ORDER}`);
  assert.equal(requests[0].headers.Authorization, 'Bearer session-token');
  assert.equal(requests[0].headers['X-Taripay-Checkout-Token'], 'checkout-mine');
  assert.equal(document.querySelector('s-banner').getAttribute('heading'), 'Pay with Tari');
  assert.match(text(), /Amount: 25 XTR/);
  assert.match(text(), /Waiting to be claimed/);
  assert.match(text(), /Time left: 1 h 55 min/);
  assert.match(text(), /Include this note with your payment: order 5796499259001/);
  assert.equal(document.querySelector('s-image').getAttribute('src'), open.qr_url);
  const button = document.querySelector('s-button');
  assert.equal(button.getAttribute('href'), open.pay_url);
  assert.equal(button.getAttribute('variant'), 'primary');
  assert.equal(button.textContent, 'Pay with Tari');
});

test('Order status page: a claimed order, the customer proven by the session token', async () => {
  answer(200, {...open, status: 'New'});
  await orderStatus();
  assert.equal(requests[0].url, `${SERVER}/shopify/extension/orders/${ORDER}`);
  assert.equal(requests[0].headers['X-Taripay-Checkout-Token'], undefined);
  assert.match(text(), /Claimed, waiting for your payment/);
  assert.ok(document.querySelector('s-button[href]'));
});

for (const [state, says] of [
  ['paid', /Paid\. Thank you!/],
  ['expired', /expired before it was paid/],
  ['cancelled', /was cancelled/],
]) {
  for (const [target, main] of [['Thank-you', thankYou], ['Order status', orderStatus]]) {
    test(`${target} page: a ${state} order has no pay button`, async () => {
      answer(200, {...open, state, status: state[0].toUpperCase() + state.slice(1), note: '', qr_url: '', expires_at: null});
      await main();
      assert.match(text(), says);
      assert.match(text(), /Amount: 25 XTR/);
      assert.equal(document.querySelector('s-button'), null);
      assert.equal(document.querySelector('s-image'), null);
    });
  }
}

for (const [target, main] of [['Thank-you', thankYou], ['Order status', orderStatus]]) {
  test(`${target} page: an order paid another way renders nothing`, async () => {
    answer(404, {error: 'Order not found'});
    await main();
    assert.equal(requests.length, 1);
    assert.equal(document.body.innerHTML, '');
  });

  test(`${target} page: a server slower than 3 s gets the fallback`, async () => {
    mock.timers.enable({apis: ['setTimeout']});
    let aborted = false;
    let asked;
    const started = new Promise((resolve) => { asked = resolve; });
    globalThis.fetch = (url, init) => new Promise((_, reject) => {
      init.signal.addEventListener('abort', () => {
        aborted = true;
        reject(new DOMException('aborted', 'AbortError'));
      });
      asked();
    });
    const done = main();
    await started; // the request is in flight
    mock.timers.tick(2999);
    assert.equal(document.body.innerHTML, '');
    mock.timers.tick(1);
    await done;
    assert.ok(aborted, 'the request was not aborted');
    assert.match(text(), /the payment link will also come by email/);
  });
}

for (const [name, setup] of [
  ['a server error', () => answer(500, {error: 'boom'})],
  ['an unreachable server', () => { globalThis.fetch = async () => { throw new TypeError('fetch failed'); }; }],
  ['an answer that is not an order', () => answer(200, {hello: 'world'})],
  ['no server URL setting', () => { answer(200, open); shopify.settings.value = {}; }],
  ['a session token that fails', () => { answer(200, open); shopify.sessionToken.get = async () => { throw new Error('no token'); }; }],
  ['no order on the page', () => { answer(200, open); shopify.orderConfirmation = undefined; }],
]) {
  test(`Thank-you page: ${name} gets the fallback, never an exception`, async () => {
    setup();
    await thankYou();
    assert.match(text(), /If you chose to pay with Tari, the payment link will also come by email\./);
    assert.equal(document.querySelector('s-button'), null);
  });
}

test('every locale translates every English key', () => {
  const keys = (node, prefix = '') => Object.entries(node).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]).sort();
  const fr = JSON.parse(readFileSync(new URL('../locales/fr.json', import.meta.url)));
  assert.deepEqual(keys(fr), keys(en));
});
