"The manual 'download now' of a shop's orders over a date range"
from datetime import timedelta

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

    @staticmethod
    def default_from_date():
        return utcnow() - timedelta(days=1)

    @staticmethod
    def default_to_date():
        return utcnow()


class Download(Wizard):
    "Download Platform Orders"
    __name__ = 'ecom.shop.download'

    start = StateView('ecom.shop.download.start',
        'ecom_platforms.shop_download_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Download", 'download', 'tryton-ok', default=True),
            ])
    download = StateAction('ecom_platforms.act_sync_log')

    def do_download(self, action):
        if self.start.from_date >= self.start.to_date:
            raise ValidationError(gettext(
                    'ecom_platforms.msg_download_dates'))
        logs = []
        for shop in self.records:
            logs.append(shop.download(
                    self.start.from_date, self.start.to_date).id)
        action['domain'] = str([('id', 'in', logs)])
        return action, {}

    def transition_download(self):
        return 'end'

