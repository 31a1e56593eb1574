import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

const SPARK_WIDTH = 120;
const SPARK_HEIGHT = 28;

/**
 * The KPI dashboard: one card per KPI of sales.coordination.kpi.get_dashboard,
 * with a period picker and team/user filters ("My KPIs": the user's own
 * records, no filters). A click on a card opens the records it counts.
 */
export class KpiDashboard extends Component {
    static template = "sales_coordination.KpiDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.mine = Boolean(this.props.action?.context?.sc_mine);
        this.state = useState({
            period: "month",
            dateFrom: "",
            dateTo: "",
            teamId: "",
            userId: "",
            teams: [],
            users: [],
            data: null,
            error: "",
            loading: true,
        });
        onWillStart(async () => {
            if (!this.mine) {
                const [teams, users] = await Promise.all([
                    this.orm.searchRead("crm.team", [["use_coordination", "=", true]], ["name"]),
                    this.orm.searchRead("res.users", [["share", "=", false]], ["name"]),
                ]);
                this.state.teams = teams;
                this.state.users = users;
            }
            await this.load();
        });
    }

    get periods() {
        return [
            ["month", _t("This Month")],
            ["quarter", _t("This Quarter")],
            ["year", _t("This Year")],
            ["custom", _t("Custom")],
        ];
    }

    get kwargs() {
        const kwargs = { period: this.state.period, mine: this.mine };
        if (this.state.period === "custom") {
            kwargs.date_from = this.state.dateFrom;
            kwargs.date_to = this.state.dateTo;
        }
        if (!this.mine && this.state.teamId) {
            kwargs.team_ids = [parseInt(this.state.teamId)];
        }
        if (!this.mine && this.state.userId) {
            kwargs.user_ids = [parseInt(this.state.userId)];
        }
        return kwargs;
    }

    async load() {
        if (this.state.period === "custom" && !(this.state.dateFrom && this.state.dateTo)) {
            return;
        }
        this.state.loading = true;
        try {
            this.state.data = await this.orm.call(
                "sales.coordination.kpi",
                "get_dashboard",
                [],
                this.kwargs
            );
            this.state.error = "";
        } catch (error) {
            this.state.error = error.data?.message || error.message || String(error);
        } finally {
            this.state.loading = false;
        }
    }

    onPeriodChange(ev) {
        this.state.period = ev.target.value;
        if (this.state.period === "custom" && this.state.data) {
            this.state.dateFrom ||= this.state.data.period.date_from;
            this.state.dateTo ||= this.state.data.period.date_to;
        }
        this.load();
    }

    onFilterChange(field, ev) {
        this.state[field] = ev.target.value;
        this.load();
    }

    onDateChange(field, ev) {
        this.state[field] = ev.target.value;
    }

    formatValue(value, unit) {
        if (value === false || value === null || value === undefined) {
            return _t("No data");
        }
        const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
        return unit ? `${text} ${unit}` : text;
    }

    change(card) {
        if (typeof card.value !== "number" || typeof card.previous !== "number") {
            return "";
        }
        if (card.unit === "%") {
            const points = card.value - card.previous;
            return `${points >= 0 ? "+" : ""}${points.toFixed(1)} pt`;
        }
        if (!card.previous) {
            return "";
        }
        const percent = (100 * (card.value - card.previous)) / Math.abs(card.previous);
        return `${percent >= 0 ? "+" : ""}${percent.toFixed(1)} %`;
    }

    changeClass(card) {
        if (typeof card.value !== "number" || typeof card.previous !== "number") {
            return "text-muted";
        }
        if (card.value === card.previous) {
            return "text-muted";
        }
        const better = card.value > card.previous === card.higher_is_better;
        return better ? "text-success" : "text-danger";
    }

    statusClass(card) {
        return (
            { green: "bg-success", amber: "bg-warning", red: "bg-danger" }[card.status] ||
            "bg-secondary"
        );
    }

    statusLabel(card) {
        return (
            { green: _t("On target"), amber: _t("Close"), red: _t("Off target") }[
                card.status
            ] || _t("No target")
        );
    }

    sparkline(card) {
        const values = card.series.map((value) => (typeof value === "number" ? value : null));
        const numbers = values.filter((value) => value !== null);
        if (numbers.length < 2) {
            return "";
        }
        const min = Math.min(...numbers);
        const max = Math.max(...numbers);
        const step = SPARK_WIDTH / Math.max(values.length - 1, 1);
        return values
            .map((value, index) =>
                value === null
                    ? null
                    : `${(index * step).toFixed(1)},${(
                          SPARK_HEIGHT -
                          2 -
                          ((value - min) / (max - min || 1)) * (SPARK_HEIGHT - 4)
                      ).toFixed(1)}`
            )
            .filter(Boolean)
            .join(" ");
    }

    openCard(card, numerator = false) {
        if (!card.action) {
            return;
        }
        const action = { ...card.action };
        if (numerator && card.numerator_domain) {
            action.domain = [...card.action.domain, ...card.numerator_domain];
        }
        this.actionService.doAction(action);
    }

    exportXlsx() {
        const kwargs = this.kwargs;
        return download({
            url: "/sales_coordination/kpi_dashboard/xlsx",
            data: { kwargs: JSON.stringify(kwargs) },
        });
    }
}

registry.category("actions").add("sales_coordination.kpi_dashboard", KpiDashboard);
