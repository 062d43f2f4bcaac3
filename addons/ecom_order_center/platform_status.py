# This file is part of ecom suite. The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The name of a platform's order status in the reader's language, with
the raw code the platform sent kept beside it for support: "等待卖家发货
（WAIT_SELLER_SEND_GOODS）".

The clients store the status as the platform spells it; Pinduoduo's is
"order status/refund status" and Shopify's "financial/fulfillment status".
A code without a name here shows as it is."""
import re

from trytond.i18n import gettext

# Tmall shares Taobao's trade statuses
_SAME = {'tmall': 'taobao'}
# The parts of a status, by platform: each looked up in its own names
_PARTS = {
    'pdd': ['pdd', 'pdd_refund'],
    'shopify': ['shopify', 'shopify_fulfillment'],
    }
_KNOWN = {
    'taobao': {'trade_no_create_pay', 'wait_buyer_pay', 'pay_pending',
        'wait_seller_send_goods', 'seller_consigned_part',
        'wait_buyer_confirm_goods', 'trade_buyer_signed', 'trade_finished',
        'trade_closed', 'trade_closed_by_taobao'},
    'jd': {'wait_seller_stock_out', 'wait_goods_receive_confirm',
        'finished_l', 'trade_canceled', 'locked', 'pop_order_pause'},
    'pdd': {'1', '2', '3'},
    'pdd_refund': {'1', '2', '3', '4', '5'},
    'douyin': {'1', '105', '2', '101', '3', '4', '5'},
    'shopify': {'pending', 'authorized', 'partially_paid', 'paid',
        'partially_refunded', 'refunded', 'voided'},
    'shopify_fulfillment': {'unfulfilled', 'partial', 'fulfilled',
        'restocked'},
    'manual': {'imported'},
    }


def _name(kind, code):
    code = re.sub(r'\W', '_', code.lower())
    if kind == 'shopify_fulfillment' and code in {'none', ''}:
        code = 'unfulfilled'
    if code in _KNOWN.get(kind, ()):
        return gettext(
            f'ecom_order_center.msg_platform_status_{kind}_{code}')


def status_name(platform, code):
    "The status code of the platform, named in the reader's language"
    if not code:
        return code
    platform = _SAME.get(platform, platform)
    kinds = _PARTS.get(platform, [platform])
    parts = code.split('/') if len(kinds) > 1 else [code]
    names = [_name(kind, part) for kind, part in zip(kinds, parts)]
    if not names or names[0] is None or len(parts) > len(kinds):
        return code
    name = names[0]
    if len(names) > 1 and names[1] is not None:
        name = gettext('ecom_order_center.msg_platform_status_two',
            status=name, other=names[1])
    return gettext('ecom_order_center.msg_platform_status_name',
        name=name, code=code)
