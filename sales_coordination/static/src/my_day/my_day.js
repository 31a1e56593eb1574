import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

// The icon of each section; a section added on the server gets the default.
const SECTION_ICONS = {
    followups: "fa-check-square-o",
    requests: "fa-life-ring",
    meetings: "fa-calendar",
    orders: "fa-truck",
    covering: "fa-user-plus",
};

/**
 * My Day: the coordinator's day on one screen. Every section comes from one
 * call, sales.coordination.my.day.get_my_day, in its order and with its title
 * (which says what the count counts); each line opens its record, each count
 * opens the full list of what it counts.
 */
export class MyDay extends Component {
    static template = "sales_coordination.MyDay";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("sales.coordination.my.day", "get_my_day", [], {
            limit: 10,
        });
    }

    get sections() {
        return Object.entries(this.state.data || {}).map(([key, data]) => ({
            key,
            title: data.title,
            icon: SECTION_ICONS[key] || "fa-list",
            // a section the server marks so (covering) shows only when not empty
            hideEmpty: Boolean(data.hide_empty),
        }));
    }

    moreLabel(data) {
        const more = data.count - data.records.length;
        return more > 0 ? _t("%(count)s more", { count: more }) : "";
    }

    laterLabel(data) {
        if (!data.later?.count) {
            return "";
        }
        return _t("%(count)s due later, the first on %(date)s", {
            count: data.later.count,
            date: data.later.date_label,
        });
    }

    badgeClass(record) {
        return (
            {
                overdue: "text-bg-danger",
                late: "text-bg-danger",
                urgent: "text-bg-danger",
                today: "text-bg-warning",
                at_risk: "text-bg-warning",
            }[record.state] || "text-bg-secondary"
        );
    }

    openRecord(record) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: record.model,
            res_id: record.id,
            views: [[false, "form"]],
            target: "current",
        });
    }

    openSection(section) {
        const data = this.state.data[section.key];
        this.action.doAction({
            type: "ir.actions.act_window",
            name: section.title,
            res_model: data.model,
            domain: data.domain,
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }
}

registry.category("actions").add("sales_coordination.my_day", MyDay);
