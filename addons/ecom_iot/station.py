"""The packing flow at a box's station: what its scanner and scale report
goes through the warehouse's station logic, ``ecom_verify_scan``, with
the station's state kept on the box.

The packer scans the waybill and the items; once the parcel is verified,
the first stable weight of the station's scale is its weight, checked by
the warehouse's weighing; when the parcel passes, its waybill prints on
the station's waybill printer on its own, and its packing slip on the
slip printer when its shop or warehouse prints slips.  What the station
said last shows on the box form in large type.
"""
import json

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# What the station says when a document of the parcel did not print
PRINT_FAILED = {
    'waybill': 'ecom_iot.msg_station_print_failed',
    'packing_slip': 'ecom_iot.msg_station_slip_failed',
    }


class Box(metaclass=PoolMeta):
    __name__ = 'ecom.iot.box'

    def station_scan(self, code):
        """A code the station's scanner read: a packer's badge, or a code
        of the parcel the packer verifies; return the station's result"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        User = pool.get('res.user')
        state = json.loads(self.session or '{}')
        code = (code or '').strip()
        packers = User.search([('ecom_badge', '=', code)], limit=1) \
            if code else []
        if packers:
            packer, = packers
            self.__class__.write([self], {'packer': packer.id})
            result = {'ok': True, 'complete': False,
                'shipment': state.get('shipment'),
                'message': gettext('ecom_iot.msg_box_packer',
                    packer=packer.rec_name)}
            self._station_save(state, result)
            return result
        parcels, _ = Shipment._ecom_find_parcel(code)
        if parcels and all(s.warehouse != self.warehouse for s in parcels):
            result = {'ok': False, 'complete': False, 'shipment': None,
                'message': gettext('ecom_iot.msg_box_other_warehouse',
                    code=code, warehouse=self.warehouse.rec_name)}
            self._station_save({}, result)
            return result
        with self._as_packer():
            state, result = Shipment.ecom_verify_scan(state, code)
        self._station_save(state, result)
        return result

    def _as_packer(self):
        "What the station does is the packer's whose badge it read last"
        return Transaction().set_context(
            ecom_packer=self.packer.id if self.packer else None)

    def station_weight(self, weight):
        """A stable weight in kg of the station's scale: the weight of the
        parcel waiting to be weighed, if any; return the result or None"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        state = json.loads(self.session or '{}')
        if state.get('step') != 'weigh':
            return None
        with self._as_packer():
            state, result = Shipment.ecom_verify_scan(
                state, '%.3fkg' % weight)
        if result['complete']:
            shipment = Shipment(result['shipment'])
            errors = self.station_print(shipment)
            if errors:
                kind, error = errors[0]
                result = dict(result, ok=False, message=gettext(
                        PRINT_FAILED[kind],
                        shipment=shipment.rec_name, error=error))
        self._station_save(state, result)
        return result

    def station_print(self, shipment):
        """Print the parcel's waybill on the station's waybill printer, and
        its packing slip on the slip printer when its shop or warehouse
        says so; return the kinds that could not be, with why"""
        pool = Pool()
        Shipment = pool.get('stock.shipment.out')
        PrintJob = pool.get('ecom.iot.print_job')
        kinds = ['waybill']
        if shipment.ecom_get_print_slip():
            kinds.append('packing_slip')
        errors = []
        for kind in kinds:
            try:
                documents = Shipment.print_documents([shipment], kind)
                if not documents:
                    shipment, = Shipment.browse([shipment.id])
                    errors.append((kind, shipment.print_error))
                    continue
                PrintJob.queue(self, PrintJob.role_of(kind), documents,
                    shipment=shipment)
            except UserError as exception:
                errors.append((kind, exception.message))
        return errors

    def _station_save(self, state, result):
        self.__class__.write([self], {
                'session': json.dumps(state),
                'shipment': result.get('shipment'),
                'ok': result['ok'],
                'message': result['message'],
                })
