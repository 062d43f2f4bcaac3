"""Platform clients, one module per platform behind one interface.

Each module is an adapter (speaks and signs the API), a mapper
(``normalize``: payload to the order center's normalized order) and uses
the order center's unique (shop, platform_order_id) key as binder."""
from .base import (
    Client, PlatformError, Retryable, SessionExpired)


def client_class(platform):
    from . import douyin, jd, pdd, shopify, taobao
    return {
        'taobao': taobao.TaobaoClient,
        'tmall': taobao.TaobaoClient,
        'jd': jd.JdClient,
        'pdd': pdd.PddClient,
        'douyin': douyin.DouyinClient,
        'shopify': shopify.ShopifyClient,
        }[platform]


__all__ = ['Client', 'PlatformError', 'Retryable', 'SessionExpired',
    'client_class']
