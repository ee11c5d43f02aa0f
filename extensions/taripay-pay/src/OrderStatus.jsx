// customer-account.order-status.block.render: an order of the signed-in
// customer, whom the session token's sub names.
import {show} from './pay.jsx';

export default async () => {
  await show({orderGID: shopify.order?.value?.id});
};
