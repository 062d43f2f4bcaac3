"""HTTP endpoints the platforms call: Shopify order webhooks

Every body the endpoint cannot store is answered 400, never with an error
page, and kept as a sync failure with its payload when it was signed with
the shop's secret."""
import json

from trytond.i18n import gettext
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
    with Transaction().set_context(company=shop.company.id):
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError) as error:
            outcomes = shop.store_orders([{
                        'platform_order_id': None,
                        'error': gettext('ecom_platforms.msg_webhook_body',
                            error=error.__class__.__name__),
                        'raw': body.decode('utf-8', 'replace'),
                        }])
        else:
            outcomes = shop.receive_order_payload(payload)
    if any(outcome == 'failed' for _, outcome, _, _ in outcomes):
        # a Response, not abort: the failure is committed
        return Response(status=HTTPStatus.BAD_REQUEST)
    return Response(status=HTTPStatus.OK)
