"""Load the demo seller into a database that has the ecom modules active.

    python -m trytond.modules.ecom_order_center.demo -c trytond.conf -d ecom

Runs the same set-up as the tests (tests/tools.py) and makes the admin
user work in Chinese.  Connecting the shops to a platform is the business
of ecom_platforms' own demo loader.
"""
import argparse

from proteus import Model
from proteus import config as pconfig

from .tests.tools import setup_seller

def load(config):
    setup_seller(config=config)
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
    args = parser.parse_args(argv)
    config = pconfig.set_trytond(args.database, config_file=args.config)
    load(config)
    print("Demo data loaded into %s" % args.database)


if __name__ == '__main__':
    main()
