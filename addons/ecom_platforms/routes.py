"HTTP endpoints the platforms call: Shopify order webhooks"
import json

from trytond.protocols.wrappers import (
    HTTPStatus, Response, abort, with_pool, with_transaction)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .signing import verify_shopify_webhook


@app.route('/<database_name>/ecom_platforms/shopify/<shop_code>/webhook',
    methods={'POST'})
@with_pool
@with_transaction()
def shopify_webhook(request, pool, shop_code):
    """Store the order a Shopify webhook carries, once its HMAC over the
    raw body matches the shop's webhook secret"""
    Shop = pool.get('ecom.shop')
    shops = Shop.search([
            ('code', '=', shop_code),
            ('platform', '=', 'shopify'),
            ])
    if not shops:
        abort(HTTPStatus.NOT_FOUND)
    shop, = shops
    body = request.get_data()
    if not verify_shopify_webhook(body, shop.webhook_secret,
            request.headers.get('X-Shopify-Hmac-Sha256')):
        abort(HTTPStatus.UNAUTHORIZED)
    try:
        payload = json.loads(body)
    except ValueError:
        abort(HTTPStatus.BAD_REQUEST)
    with Transaction().set_context(company=shop.company.id):
        shop.receive_order_payload(payload)
    return Response(status=HTTPStatus.OK)
