"""A number pool (号段): ranges of numbers bought from a carrier without
an API, served in order from the database.  The range's row is locked
while numbers are taken, so two clerks never get the same one; the routing
codes are the account's own (a carrier without an API prints its branch's
sort code)."""
from trytond.pool import Pool

from . import ServiceError, WaybillAnswer, WaybillService


class NumberPool(WaybillService):
    code = 'pool'
    name = "Number Pool"
    local = True

    def get(self, requests):
        Range = Pool().get('ecom.waybill.range')
        numbers = Range.take(self.account, len(requests))
        answers = []
        for request, number in zip(requests, numbers):
            answers.append(WaybillAnswer(request.request_id, number=number,
                    sort_code=self.account.sort_code,
                    hub=self.account.hub))
        for request in requests[len(numbers):]:
            answers.append(WaybillAnswer(request.request_id,
                    error=ServiceError('balance', 'empty',
                        "")))
        return answers

    def recall(self, request):
        """The pool's numbers are taken in the transaction that stores
        them: a request left pending took none"""

    def cancel(self, number, request_id):
        "A pool's number is never served again: nothing to give back"
