// The "Pay with Tari" block, shared by the Thank-you and Order status
// targets. It asks the taripay server (GET /shopify/extension/orders/{id},
// docs/shopify-setup.md) about the order, with the buyer's session token
// and, on the Thank-you page, the checkout token that proves the order is
// theirs; then renders once. It never throws: anything unexpected is the
// short fallback, and an order that is not a Tari order renders nothing.
import '@shopify/ui-extensions/preact';
import {render} from 'preact';

// TIMEOUT_MS bounds the whole request, session token included.
export const TIMEOUT_MS = 3000;

// orderNumber is the numeric id at the end of an order GID
// (gid://shopify/Order/123, gid://shopify/OrderIdentity/123), or "".
export function orderNumber(gid) {
  const m = /\/(\d+)$/.exec(typeof gid === 'string' ? gid : '');
  return m ? m[1] : '';
}

// load asks the server about the order. It resolves, never rejects, to
// {kind: 'order', order}, {kind: 'none'} (not a Tari order, or not this
// buyer's) or {kind: 'fallback'} (no server, slow, down, or a bad answer).
export async function load({serverURL, orderID, checkoutToken, sessionToken}) {
  const abort = new AbortController();
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({kind: 'fallback'});
    }, TIMEOUT_MS);
  });
  const ask = (async () => {
    const base = String(serverURL || '').trim().replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+$/.test(base) || !orderID) {
      return {kind: 'fallback'}; // the block's server URL setting is missing
    }
    const headers = {Authorization: `Bearer ${await sessionToken.get()}`};
    if (checkoutToken) {
      headers['X-Taripay-Checkout-Token'] = checkoutToken;
    }
    const res = await fetch(`${base}/shopify/extension/orders/${orderID}`, {headers, signal: abort.signal});
    if (res.status === 404) {
      return {kind: 'none'};
    }
    if (!res.ok) {
      return {kind: 'fallback'};
    }
    const order = await res.json();
    return order && typeof order.state === 'string' ? {kind: 'order', order} : {kind: 'fallback'};
  })().catch(() => ({kind: 'fallback'}));
  try {
    return await Promise.race([ask, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// show loads the order and renders the block into document.body.
export async function show({orderGID, checkoutToken}) {
  let result = {kind: 'fallback'};
  try {
    result = await load({
      serverURL: shopify.settings?.value?.server_url,
      orderID: orderNumber(orderGID),
      checkoutToken,
      sessionToken: shopify.sessionToken,
    });
  } catch {
    // the fallback
  }
  const t = (key, values) => shopify.i18n.translate(key, values);
  render(<Block result={result} t={t} />, document.body);
}

function Block({result, t}) {
  if (result.kind === 'none') {
    return null;
  }
  if (result.kind !== 'order') {
    return (
      <s-banner tone="info" heading={t('fallback.heading')}>
        <s-text>{t('fallback.body')}</s-text>
      </s-banner>
    );
  }
  const o = result.order;
  if (o.state !== 'open') {
    return (
      <s-banner tone={o.state === 'paid' ? 'success' : 'warning'} heading={t('heading')}>
        <s-stack gap="small-200">
          <s-text>{t(`state.${o.state}`)}</s-text>
          {o.amount && <s-text>{t('amount', {amount: o.amount})}</s-text>}
        </s-stack>
      </s-banner>
    );
  }
  const waiting = o.status === 'Unclaimed' ? 'state.unclaimed' : 'state.claimed';
  const left = Math.max(0, Math.floor(Number(o.seconds_left) / 60) || 0);
  return (
    <s-banner tone="info" heading={t('heading')}>
      <s-stack gap="base">
        <s-text type="strong">{t('amount', {amount: o.amount})}</s-text>
        <s-text>{t(waiting)}</s-text>
        {o.expires_at && <s-text>{t('timeLeft', {hours: Math.floor(left / 60), minutes: left % 60})}</s-text>}
        {o.note && <s-text>{t('note', {note: o.note})}</s-text>}
        {o.qr_url && <s-image src={o.qr_url} alt={t('qrAlt')} inlineSize="auto" />}
        <s-button variant="primary" href={o.pay_url}>{t('payButton')}</s-button>
      </s-stack>
    </s-banner>
  );
}
