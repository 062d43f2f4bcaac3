"""The currency an order is paid in: the platform's, kept on the order and
on its sale, whose amounts Tryton converts for the books with the company's
rates."""
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .order import CHECKED_STATES


class Order(metaclass=PoolMeta):
    __name__ = 'ecom.order'

    @classmethod
    def _intake_currency(cls, orders):
        """A currency the company does not know, or one without a rate on
        the order date, is a blocking finding: its amounts could not be
        booked"""
        pool = Pool()
        Finding = pool.get('ecom.order.finding')
        Date = pool.get('ir.date')
        orders = [o for o in orders if o.state in CHECKED_STATES]
        findings = []
        for order in orders:
            if order.currency_code and (
                    order.currency_code != order.currency.code):
                findings.append(Finding.new(order, 'currency', 'block',
                        'ecom_order_center.msg_currency_unknown',
                        currency=order.currency_code))
                continue
            company = order.shop.company.currency
            if order.currency == company:
                continue
            date = (order.order_date.date() if order.order_date
                else Date.today())
            with Transaction().set_context(date=date):
                missing = [c for c in cls._rated_currencies(order, company)
                    if not c.rate]
            if missing:
                findings.append(Finding.new(order, 'currency', 'block',
                        'ecom_order_center.msg_currency_rate',
                        currency=', '.join(c.code for c in missing),
                        date=date.isoformat()))
        Finding.replace(orders, findings, {'currency'})
        # as the mapping step: the orders blocked by neither go on
        cls.set_checked_state(cls.browse([o.id for o in orders]),
            {'mapping', 'currency'})

    @staticmethod
    def _rated_currencies(order, company):
        "The currencies converting the order's amounts needs rates of"
        Currency = Pool().get('currency.currency')
        return Currency.browse([order.currency.id, company.id])
