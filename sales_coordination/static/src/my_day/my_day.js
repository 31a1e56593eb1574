import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * My Day: the coordinator's day on one screen. Every section comes from one
 * call, sales.coordination.my.day.get_my_day; each line opens its record,
 * each count opens the full list.
 */
export class MyDay extends Component {
    static template = "sales_coordination.MyDay";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        this.sections = [
            { key: "followups", title: _t("My follow-ups due"), icon: "fa-check-square-o" },
            { key: "requests", title: _t("Support requests"), icon: "fa-life-ring" },
            { key: "meetings", title: _t("Meetings today and tomorrow"), icon: "fa-calendar" },
            { key: "orders", title: _t("Late or at-risk orders"), icon: "fa-truck" },
            // shown only while the user covers for someone away
            { key: "covering", title: _t("Covering for"), icon: "fa-user-plus", hideEmpty: true },
        ];
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("sales.coordination.my.day", "get_my_day", [], {
            limit: 10,
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
