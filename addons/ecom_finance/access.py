# This file is part of ecom suite.
"""The shop rules on what finance adds: a payment bill's lines are the
shop's of the order they paid, a courier bill's lines the shop's of the
parcel they bill.  A line of no order or parcel (a fee, a withdrawal, a
parcel not ours) belongs to no shop and stays visible to finance."""
from trytond.modules.ecom_order_center.access import (
    ShopDataMixin, _shipment_shops)
from trytond.pool import Pool, PoolMeta

RESTRICTED_MODELS = {'account.statement.origin', 'account.statement.line',
    'ecom.carrier_bill.line'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _ecom_restricted_models(cls):
        return super()._ecom_restricted_models() | RESTRICTED_MODELS


def _through(model, column, shops):
    """Return the query of (record, shop) of the model's records whose
    column points at a record of the (record, shop) query shops"""
    table = Pool().get(model).__table__()
    return table.join(shops, condition=getattr(table, column) == shops.record
        ).select(table.id.as_('record'), shops.shop.as_('shop'))


def _origin_shops():
    "Return the query of (statement origin, shop) of the matched orders"
    order = Pool().get('ecom.order').__table__()
    return _through('account.statement.origin', 'ecom_order',
        order.select(order.id.as_('record'), order.shop.as_('shop')))


class StatementOrigin(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'account.statement.origin'

    @classmethod
    def _ecom_shop_query(cls):
        return _origin_shops()


class StatementLine(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'account.statement.line'

    @classmethod
    def _ecom_shop_query(cls):
        "The shop of the bill line the statement line comes from"
        return _through(cls.__name__, 'origin', _origin_shops())


class CarrierBillLine(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'ecom.carrier_bill.line'

    @classmethod
    def _ecom_shop_query(cls):
        "The shops of the parcel the line bills"
        return _through(cls.__name__, 'shipment',
            _shipment_shops('stock.shipment.out'))
