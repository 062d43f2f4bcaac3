"""Shops talk to their platform: incremental order download, re-authorisation
state, and the schedule that queues one download task per shop."""
from datetime import timedelta

from trytond import config
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.ecom_order_center.validate import (
    order_reference, storable)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .clients import PlatformError, SessionExpired, client_class
from .clients.base import utcnow

API_PLATFORMS = ['taobao', 'tmall', 'jd', 'pdd', 'douyin', 'shopify']
# orders stored per transaction, so the cost per order stays flat
BATCH = 500
# characters of a failure's reason in the sync log
ERROR_SIZE = 500
# the platforms of the TOP router, whose shops choose how requests are signed
TOP_PLATFORMS = ['taobao', 'tmall']
# what a shop must have filled in to call its platform (None: most platforms)
CREDENTIALS = {
    None: ['endpoint', 'app_key', 'app_secret', 'session_key'],
    'shopify': ['endpoint', 'session_key'],
    }


class ShopSetupError(PlatformError):
    "The shop lacks what calling its platform needs"

    def __init__(self, message):
        Exception.__init__(self, message)
        self.code = 'setup'
        self.message = message
        self.sub_code = None


def client_options():
    "Retry settings from the [ecom_platforms] section or the context"
    context = Transaction().context
    return {
        'retries': context.get('platform_retries',
            config.getint('ecom_platforms', 'retries', default=5)),
        'backoff': context.get('platform_backoff',
            config.getfloat('ecom_platforms', 'backoff', default=1.0)),
        'max_backoff': context.get('platform_max_backoff',
            config.getfloat('ecom_platforms', 'max_backoff', default=60)),
        'timeout': context.get('platform_timeout',
            config.getfloat('ecom_platforms', 'timeout', default=30)),
        }


class Shop(metaclass=PoolMeta):
    __name__ = 'ecom.shop'

    auth_state = fields.Selection([
            ('authorized', "Authorized"),
            ('expired', "Needs Re-authorisation"),
            ], "Authorisation", readonly=True, required=True,
        help="Whether the platform still accepts the shop's session key. "
        "Enter a new session key to authorise again.")
    auth_message = fields.Char("Authorisation Message", readonly=True)
    webhook_secret = fields.Char("Webhook Secret",
        help="The secret the platform signs its notifications with.")
    download_interval = fields.Integer("Download Interval",
        help="Minutes between automatic order downloads (0: never).")
    download_overlap = fields.Integer("Download Overlap", required=True,
        help="Minutes read again before the cursor, so that changes the "
        "platform records late are not missed.")
    first_download_days = fields.Integer("First Download Days",
        required=True,
        help="How many days back the first download reaches.")
    download_queued_at = fields.DateTime("Download Queued At",
        readonly=True)
    sync_logs = fields.One2Many('ecom.sync_log', 'shop', "Sync Logs",
        readonly=True)
    setup_message = fields.Function(fields.Char("Set-up Problem",
            help="What the shop lacks to call its platform."),
        'get_setup_message')
    top_sign_method = fields.Selection([
            ('md5', "MD5"),
            ('hmac', "HMAC-MD5"),
            ('hmac-sha256', "HMAC-SHA256"),
            ], "Sign Method", required=True,
        states={'invisible': ~Eval('platform').in_(TOP_PLATFORMS)},
        help="How requests to the Taobao/Tmall open platform are signed, "
        "as set for the application there.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'download_now': {
                    'invisible': ~Eval('platform').in_(API_PLATFORMS),
                    'depends': ['platform'],
                    },
                })

    @staticmethod
    def default_auth_state():
        return 'authorized'

    @staticmethod
    def default_top_sign_method():
        return 'hmac-sha256'

    @staticmethod
    def default_download_interval():
        return 5

    @staticmethod
    def default_download_overlap():
        return 10

    @staticmethod
    def default_first_download_days():
        return 3

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for shops, values in zip(actions, actions):
            if 'session_key' in values and 'auth_state' not in values:
                values = dict(values, auth_state='authorized',
                    auth_message=None)
            args.extend((shops, values))
        super().write(*args)

    @classmethod
    @ModelView.button_action('ecom_platforms.wizard_download')
    def download_now(cls, shops):
        pass

    def get_client(self):
        problem = self.setup_problem()
        if problem:
            raise ShopSetupError(problem)
        options = client_options()
        if self.platform in TOP_PLATFORMS:
            options['sign_method'] = self.top_sign_method
        return client_class(self.platform)(self.endpoint, self.app_key,
            self.app_secret, self.session_key, **options)

    def setup_problem(self):
        "What keeps the shop from calling its platform, as a message"
        if self.platform not in API_PLATFORMS:
            return gettext('ecom_platforms.msg_no_platform_api',
                shop=self.rec_name)
        missing = [name
            for name in CREDENTIALS.get(self.platform, CREDENTIALS[None])
            if not (getattr(self, name) or '').strip()]
        if missing:
            strings = self.fields_get(missing)
            return gettext('ecom_platforms.msg_shop_not_set_up',
                shop=self.rec_name, missing=gettext(
                    'ecom_platforms.msg_list_separator').join(
                    strings[name]['string'] for name in missing))

    def get_setup_message(self, name):
        if self.platform in API_PLATFORMS:
            return self.setup_problem()

    def session_expired(self, error):
        "Show on the shop that its authorisation must be renewed"
        self.__class__.write([self], {
                'auth_state': 'expired',
                'auth_message': str(error)[:250]})

    # scheduling
    @classmethod
    def download_due(cls):
        "Queue one download task per shop whose interval has passed"
        now = utcnow()
        shops = cls.search([
                ('platform', 'in', API_PLATFORMS),
                ('auth_state', '=', 'authorized'),
                ('download_interval', '>', 0),
                ])
        due = [s for s in shops if not s.download_queued_at
            or s.download_queued_at + timedelta(
                minutes=s.download_interval) <= now]
        if due:
            cls.write(due, {'download_queued_at': now})
            for shop in due:
                cls.__queue__.download_orders([shop])

    @classmethod
    def download_orders(cls, shops, start=None, end=None):
        "Download each shop's changed orders, committing batch by batch"
        for shop in shops:
            shop.download(start, end, commit=True)

    # download
    def download(self, start=None, end=None, commit=False):
        """Download the orders changed in [start, end] and store them.

        Without start the window begins at the cursor less the overlap, and
        the cursor advances with each stored window. With commit the
        platform is called with nothing written pending: the sync log is
        committed first, then each window is fetched and stored and
        committed on its own, so other writers never wait on the platform's
        answers, retries and backoff."""
        pool = Pool()
        SyncLog = pool.get('ecom.sync_log')
        transaction = Transaction()
        now = utcnow()
        incremental = start is None
        if incremental:
            start = (self.download_cursor
                or now - timedelta(days=self.first_download_days))
            start -= timedelta(minutes=self.download_overlap)
        end = end or now
        log = SyncLog.start(self, 'orders', window_start=start,
            window_end=end)
        log.save()
        if commit:
            transaction.commit()
        try:
            client = self.get_client()
            zone = client.timezone()
            if zone and zone != self.timezone:
                # before the orders: their sales are dated in this zone
                self.timezone = zone
                self.save()
                if commit:
                    transaction.commit()
            for _, window_end, orders in client.orders_by_window(
                    start, end):
                self.store_orders(orders, log)
                if incremental and (not self.download_cursor
                        or window_end > self.download_cursor):
                    self.__class__.write([self],
                        {'download_cursor': window_end})
                log.save()
                if commit:
                    transaction.commit()
        except ShopSetupError as error:
            log.add_error(str(error))
        except SessionExpired as error:
            self.session_expired(error)
            log.add_error(gettext('ecom_platforms.msg_session_expired',
                    shop=self.rec_name, error=str(error)))
        except PlatformError as error:
            log.add_error(gettext('ecom_platforms.msg_platform_error',
                    shop=self.rec_name, error=str(error)))
        log.save()
        if commit:
            transaction.commit()
        return log

    def store_orders(self, orders, log=None):
        """Store normalized orders through the order center's upsert; an
        order that could not be normalized or stored is kept as a failure
        with its payload and reason, the others go on.  Return the
        upsert's outcomes, with those that could not be normalized as
        failed first."""
        pool = Pool()
        Order = pool.get('ecom.order')
        Failure = pool.get('ecom.sync_failure')
        good, failures = [], []
        for order in orders:
            if isinstance(order, dict) and 'error' in order:
                failures.append((order_reference(order),
                        order['error'], order.get('raw')))
            else:
                good.append(order)
        raws = {order_reference(o): o.get('raw', o) if isinstance(o, dict)
            else o for o in good}
        outcomes = [(platform_order_id, 'failed', None, reason)
            for platform_order_id, reason, _ in failures]
        for i in range(0, len(good), BATCH):
            outcomes.extend(Order.upsert_normalized(self, good[i:i + BATCH]))
        stored = []
        for platform_order_id, outcome, _, reason in outcomes[
                len(failures):]:
            if outcome == 'failed':
                failures.append((platform_order_id, reason,
                        raws.get(platform_order_id)))
            else:
                if outcome != 'stale':
                    stored.append(platform_order_id)
                if log:
                    setattr(log, outcome, (getattr(log, outcome) or 0) + 1)
        if log:
            log.failed = (log.failed or 0) + len(failures)
            for platform_order_id, reason, _ in failures:
                log.add_error(storable('%s: %s' % (
                            platform_order_id or '', reason), ERROR_SIZE))
        Failure.record(self, failures, log)
        Failure.resolve(self, stored)
        return outcomes

    # webhooks
    def receive_order_payload(self, payload):
        "Store one order pushed by the platform (already verified)"
        client = self.get_client()
        return self.store_orders([
                client.safe_normalize(payload, client.normalize_webhook)])

