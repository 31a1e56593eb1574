from odoo import api, models


class SalesCoordinationBatch(models.AbstractModel):
    """The one batch walker of the addon: work that goes over many rows
    (closing follow-ups, escalating them, back-filling history) walks them
    batch after batch by increasing id, each batch starting after the highest
    id of the previous one (keyset pagination: no walk again over the rows
    done already, and a batch costs the same at the end as at the start)."""

    _name = "sales.coordination.batch"
    _description = "Sales Coordination: batch walker"

    @api.model
    def _sc_walk_batches(self, step, batch_size=None, commit=False, after_id=0):
        """Call ``step(after_id)`` batch after batch until the rows run out.

        :param step: does one batch: at most ``batch_size`` rows of ids above
            ``after_id``, and returns ``(count, last_id)``, the number of rows
            it did and the highest id it reached (the next batch starts after
            it), or a false value when nothing was left (or it was stopped)
        :param int batch_size: the size of the step's batches; the walk stops
            after a short batch (fewer rows than this); None or 0: one batch
            does everything
        :param bool commit: commit after each batch (a cron that batches on
            purpose; never in tests)
        :param int after_id: where the walk starts
        :return: the number of rows done (the sum of the counts)
        """
        total = 0
        while True:
            result = step(after_id)
            if not result:
                return total
            count, after_id = result
            total += count
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if not batch_size or count < batch_size:
                return total
