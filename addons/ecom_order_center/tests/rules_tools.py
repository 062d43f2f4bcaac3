"Orders as a shop sends them, for the gift, merge, split and routing tests"
import datetime as dt
import itertools

from proteus import Model

_numbers = itertools.count(1)


def create_order(seller, shop='TB01', lines=(('TEA-LJ-250', 1),),
        province='CN-ZJ', city="杭州市", **values):
    """Return a saved order of the shop with lines of (product code,
    quantity) at list price"""
    Order = Model.get('ecom.order')
    Subdivision = Model.get('country.subdivision')
    subdivisions = Subdivision.find([('code', '=', province)])
    defaults = dict(
        platform_order_id=f'P{next(_numbers):06d}',
        buyer="tea_lover", receiver_name="王芳",
        receiver_phone="13800000000",
        receiver_subdivision=subdivisions[0] if subdivisions else None,
        receiver_city=city, receiver_address="文三路 1 号",
        order_date=dt.datetime(2026, 11, 11, 0, 5),
        pay_date=dt.datetime(2026, 11, 11, 0, 6))
    defaults.update(values)
    order = Order(shop=seller.shops[shop], **defaults)
    for code, quantity in lines:
        line = order.lines.new()
        line.product = seller.products[code]
        line.title = line.product.name
        line.quantity = quantity
        line.unit_price = line.product.template.list_price
        line.amount = line.unit_price * quantity
    if order.total_amount is None:
        order.total_amount = sum(l.amount for l in order.lines)
    order.save()
    return order
