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


def _origin_shops():
    "Return the query of (statement origin, shop) of the matched orders"
    pool = Pool()
    Origin = pool.get('account.statement.origin')
    Order = pool.get('ecom.order')
    origin = Origin.__table__()
    order = Order.__table__()
    return origin.join(order, condition=origin.ecom_order == order.id
        ).select(origin.id.as_('record'), order.shop.as_('shop'))


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
        Line = Pool().get('account.statement.line')
        line = Line.__table__()
        origins = _origin_shops()
        return line.join(origins, condition=line.origin == origins.record
            ).select(line.id.as_('record'), origins.shop.as_('shop'))


class CarrierBillLine(ShopDataMixin, metaclass=PoolMeta):
    __name__ = 'ecom.carrier_bill.line'

    @classmethod
    def _ecom_shop_query(cls):
        "The shops of the parcel the line bills"
        Line = Pool().get('ecom.carrier_bill.line')
        line = Line.__table__()
        shipments = _shipment_shops('stock.shipment.out')
        return line.join(shipments,
            condition=line.shipment == shipments.record
            ).select(line.id.as_('record'), shipments.shop.as_('shop'))
