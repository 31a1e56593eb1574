import { registry } from "@web/core/registry";
import { X2ManyField, x2ManyField } from "@web/views/fields/x2many/x2many_field";
import { ListRenderer } from "@web/views/list/list_renderer";

/**
 * The open issues of the quotation's accuracy banner: as many rows as
 * issues. Odoo's x2many list pads itself to four rows, which in a banner
 * reads as empty issues.
 */
export class AccuracyIssueListRenderer extends ListRenderer {
    get getEmptyRowIds() {
        return [];
    }
}

export class AccuracyIssueListField extends X2ManyField {
    static components = { ...X2ManyField.components, ListRenderer: AccuracyIssueListRenderer };
}

registry.category("fields").add("sc_accuracy_issue_list", {
    ...x2ManyField,
    component: AccuracyIssueListField,
});
