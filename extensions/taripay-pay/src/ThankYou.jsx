// purchase.thank-you.block.render: the order just placed, proven by the
// checkout token.
import {show} from './pay.jsx';

export default async () => {
  await show({
    orderGID: shopify.orderConfirmation?.value?.order?.id,
    checkoutToken: shopify.checkoutToken?.value,
  });
};
