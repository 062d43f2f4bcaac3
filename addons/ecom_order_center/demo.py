"""Load the demo seller into a database that has the ecom modules active.

    python -m trytond.modules.ecom_order_center.demo -c trytond.conf -d ecom

Runs the same set-up as the tests (tests/tools.py) and makes the admin
user work in Chinese.
"""
import argparse

from proteus import Model
from proteus import config as pconfig

from .tests.tools import setup_seller

DEMO_ENDPOINT = 'http://127.0.0.1:8765'


def load(config, endpoint=DEMO_ENDPOINT):
    setup_seller(config=config)
    Shop = Model.get('ecom.shop', config=config)
    shops = Shop.find([('platform', '!=', 'manual')])
    for shop in shops:
        shop.endpoint = endpoint
        shop.app_key = 'demo-' + shop.code.lower()
        shop.app_secret = 'demo-secret-' + shop.code.lower()
        shop.session_key = 'demo-session-' + shop.code.lower()
    Shop.save(shops)
    Lang = Model.get('ir.lang', config=config)
    User = Model.get('res.user', config=config)
    chinese, = Lang.find([('code', '=', 'zh_CN')])
    admin, = User.find([('login', '=', 'admin')])
    admin.language = chinese
    admin.save()
    # The demo is configured: no module configuration wizard at first login.
    Item = Model.get('ir.module.config_wizard.item', config=config)
    items = Item.find([('state', '!=', 'done')])
    for item in items:
        item.state = 'done'
    Item.save(items)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--endpoint', default=DEMO_ENDPOINT,
        help="where the shops' platform APIs answer (the simulator)")
    args = parser.parse_args(argv)
    config = pconfig.set_trytond(args.database, config_file=args.config)
    load(config, args.endpoint)
    print("Demo data loaded into %s" % args.database)


if __name__ == '__main__':
    main()
