"""Connect the demo shops to the platform simulator.

    python -m devtools.simulator.connect -c trytond.conf -d ecom \\
        --endpoint http://127.0.0.1:8700

Each shop gets the simulator's address and the credentials a fresh
simulator knows it by, and downloads every minute.  A development tool:
production shops get their endpoint and credentials from the platforms.
"""
import argparse

from devtools.simulator import default_credentials
from proteus import Model
from proteus import config as pconfig


def point_shop(shop, endpoint):
    """Give the shop (a record of the server or of proteus) the simulator's
    endpoint and the credentials a fresh simulator knows it by"""
    credentials = default_credentials(shop.code)
    shop.endpoint = endpoint
    shop.app_key = credentials['app_key']
    shop.app_secret = credentials['app_secret']
    shop.session_key = credentials['session']
    shop.webhook_secret = credentials['webhook_secret']


def connect(config, endpoint):
    Shop = Model.get('ecom.shop', config=config)
    shops = Shop.find([('platform', '!=', 'manual')])
    for shop in shops:
        point_shop(shop, endpoint)
        shop.download_interval = 1
    Shop.save(shops)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--endpoint', required=True,
        help="where the simulator answers")
    args = parser.parse_args(argv)
    connect(pconfig.set_trytond(args.database, config_file=args.config),
        args.endpoint)
    print("Shops of %s connected to %s" % (args.database, args.endpoint))


if __name__ == '__main__':
    main()
