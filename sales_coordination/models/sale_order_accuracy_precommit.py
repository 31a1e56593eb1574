# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging

from odoo import models

from .sale_order_accuracy import ACCURACY_PRECOMMIT_KEY

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    """Accuracy: the automatic check before the commit. Creates and writes
    that touch a quotation schedule it (sale_order_accuracy.py); one hook per
    transaction checks every scheduled quotation at once, or the form's read
    checks its own quotation first."""

    _inherit = "sale.order"

    # === BUSINESS METHODS ===

    def _accuracy_schedule_check(self):
        """Check these orders before the transaction commits.

        In the manner of mail's tracking: the ids gather in the cursor's
        pre-commit data, and one hook per transaction checks all of them at
        once (``_accuracy_precommit_check``), however many creates and writes
        touched them. Only quotations are checked; an order checked
        explicitly later in the transaction leaves the set.
        """
        ids = [i for i in self.ids if isinstance(i, int)]
        if not ids:
            return
        data = self.env.cr.precommit.data
        pending = data.get(ACCURACY_PRECOMMIT_KEY)
        if pending is None:
            pending = data[ACCURACY_PRECOMMIT_KEY] = set()
            self.env.cr.precommit.add(self.browse()._accuracy_precommit_check)
        pending.update(ids)

    def _accuracy_check_pending_now(self):
        """Check now those of these orders that wait for the pre-commit
        check (the hook then has nothing left to do for them)."""
        pending = self.env.cr.precommit.data.get(ACCURACY_PRECOMMIT_KEY)
        ids = pending & set(self._ids) if pending else set()
        if not ids:
            return
        pending -= ids
        self._accuracy_check_ids(ids, self._accuracy_pop_scopes(ids))

    def _accuracy_precommit_check(self):
        """The pre-commit hook: check the quotations gathered in this
        transaction, set-wise, in a savepoint. It never raises: a check that
        fails leaves these orders as they were (logged), and the user's
        transaction commits."""
        ids = self.env.cr.precommit.data.pop(ACCURACY_PRECOMMIT_KEY, set())
        self._accuracy_check_ids(ids, self._accuracy_pop_scopes(ids))

    def _accuracy_check_ids(self, ids, scopes=None):
        """Check the quotations among the orders ``ids``, set-wise, in a
        savepoint; never raises (a failed check is logged). ``scopes``: the
        lines to price and the products to forecast again
        (``_accuracy_run_orders``)."""
        if not ids:
            return
        # the quotations among them, in one query on an array of ids
        states = self.browse(list(ids))._accuracy_states_in_db()
        orders = self.sudo().browse(
            sorted(oid for oid, state in states.items() if state in ("draft", "sent"))
        )
        if not orders:
            return
        try:
            with self.env.cr.savepoint():
                orders.with_env(self.env)._accuracy_run_orders(scopes)
                self.env.flush_all()
        except Exception:
            _logger.warning(
                "Could not check the accuracy of orders %s before the commit",
                sorted(ids),
                exc_info=True,
            )
