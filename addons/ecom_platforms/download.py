"The manual 'download now' of a shop's orders over a date range"
from datetime import datetime, time, timedelta

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import ValidationError
from trytond.wizard import Button, StateAction, StateView, Wizard

from .clients.base import utcnow


class DownloadStart(ModelView):
    "Download Platform Orders"
    __name__ = 'ecom.shop.download.start'

    from_date = fields.DateTime("From", required=True,
        help="Orders changed from this time on are downloaded.")
    to_date = fields.DateTime("To", required=True)


class Download(Wizard):
    "Download Platform Orders"
    __name__ = 'ecom.shop.download'

    start = StateView('ecom.shop.download.start',
        'ecom_platforms.shop_download_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Download", 'download', 'tryton-ok', default=True),
            ])
    download = StateAction('ecom_platforms.act_sync_log')

    def default_start(self, fields):
        """From the start of yesterday to now, yesterday as each shop
        counts its days"""
        now = utcnow()
        starts = [shop.utc_datetime(datetime.combine(
                    shop.local_date(now) - timedelta(days=1), time()))
            for shop in self.records]
        return {
            'from_date': min(starts, default=now - timedelta(days=1)),
            'to_date': now,
            }

    def do_download(self, action):
        if self.start.from_date >= self.start.to_date:
            raise ValidationError(gettext(
                    'ecom_platforms.msg_download_dates'))
        logs = []
        for shop in self.records:
            # committed window by window: no write waits on the platform
            logs.append(shop.download(
                    self.start.from_date, self.start.to_date,
                    commit=True).id)
        action['domain'] = str([('id', 'in', logs)])
        return action, {}

    def transition_download(self):
        return 'end'

