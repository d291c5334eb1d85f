import type { CreateOrderInput } from './01-create-order';
import type { CancelOrderInput, ConfirmOrderInput } from './03-confirm-cancel';
import type { CorrectItemPriceInput } from './07-compensate';
import type { OrderLine } from './order-events';

/**
 * What can be asked of an order, as data: the functional style's counterpart of `Order`'s methods
 * (step 08). Each carries what the method takes.
 */
export type OrderCommand =
  | { readonly type: 'CreateOrder'; readonly input: CreateOrderInput }
  | { readonly type: 'AddItem'; readonly item: OrderLine }
  | { readonly type: 'ConfirmOrder'; readonly input: ConfirmOrderInput }
  | { readonly type: 'CancelOrder'; readonly input: CancelOrderInput }
  | { readonly type: 'CorrectItemPrice'; readonly input: CorrectItemPriceInput };
