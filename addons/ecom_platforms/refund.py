"""Refund requests checked again on the platform when a clerk asks."""
from collections import defaultdict
from datetime import timedelta

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta

from .clients import PlatformError, Retryable, SessionExpired
from .clients.base import utcnow
from .shop import API_PLATFORMS

# How far back the platforms that list refunds apart are asked
REFUND_DAYS = 30


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def _fetch_refunds(cls, orders):
        """Download the orders again, their lines' refund states included:
        per shop its id, the ids of the orders asked for per root order,
        and the payloads or the error the platform answered"""
        answers = super()._fetch_refunds(orders)
        by_shop = defaultdict(dict)
        for order in orders:
            if order.shop.platform in API_PLATFORMS:
                root = getattr(order, 'split_from', None) or order
                by_shop[order.shop].setdefault(root, []).append(order.id)
        since = utcnow() - timedelta(days=REFUND_DAYS)
        for shop, roots in by_shop.items():
            try:
                client = shop.get_client()
                answers.append((shop.id, roots, [client.order_with_refunds(
                                root.platform_order_id, since)
                            for root in roots], None))
            except (PlatformError, Retryable) as error:
                answers.append((shop.id, roots, None, error))
        return answers

    @classmethod
    def _store_refunds(cls, answers):
        pool = Pool()
        Shop = pool.get('ecom.shop')
        super()._store_refunds(answers)
        for shop_id, roots, payloads, error in answers:
            shop = Shop(shop_id)
            if isinstance(error, SessionExpired):
                shop.session_expired(error)
            if error is not None:
                cls._refund_check_failed(roots, shop, error)
            else:
                shop.store_orders(payloads)

    @classmethod
    def _refund_check_failed(cls, roots, shop, error):
        cls._log_decision(cls.browse(
                [i for parts in roots.values() for i in parts]),
            gettext('ecom_order_center.msg_rule_refund'),
            gettext('ecom_platforms.msg_platform_error',
                shop=shop.rec_name, error=str(error)))
