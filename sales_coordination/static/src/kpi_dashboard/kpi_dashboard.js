import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
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
                    // the people who coordinate, not every internal user
                    this.orm.searchRead(
                        "res.users",
                        [
                            ["share", "=", false],
                            "|",
                            ["sc_is_coordinator", "=", true],
                            ["sc_is_administrator", "=", true],
                        ],
                        ["name"]
                    ),
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

    formatValue(value, unit, notEnoughData = false) {
        if (notEnoughData) {
            return _t("Not enough data");
        }
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

    notEnoughTitle(card) {
        return _t("Only %(count)s records: too few for a meaningful rate.", {
            count: card.base,
        });
    }

    formatPeriod(period) {
        const text = `${formatDate(deserializeDate(period.date_from))} – ${formatDate(
            deserializeDate(period.date_to)
        )}`;
        return period.partial ? _t("%(period)s (so far)", { period: text }) : text;
    }

    /**
     * The points of a card's sparkline, one per period of series_buckets:
     * position, whether the period is still running (drawn hollow, joined by
     * a dashed line) and a tooltip with the period and the value.
     */
    sparkPoints(card) {
        const buckets = this.state.data.series_buckets;
        const numbers = card.series.filter((value) => typeof value === "number");
        const min = Math.min(...numbers);
        const max = Math.max(...numbers);
        const step = SPARK_WIDTH / Math.max(card.series.length - 1, 1);
        return card.series.map((value, index) => {
            const known = typeof value === "number";
            const bucket = buckets[index] || {};
            return {
                index,
                known,
                partial: Boolean(bucket.partial),
                x: (index * step).toFixed(1),
                y: (known
                    ? SPARK_HEIGHT - 4 - ((value - min) / (max - min || 1)) * (SPARK_HEIGHT - 8)
                    : SPARK_HEIGHT - 2
                ).toFixed(1),
                title: `${this.formatPeriod(bucket)}: ${this.formatValue(
                    value,
                    card.unit,
                    card.series_not_enough_data?.[index]
                )}`,
            };
        });
    }

    /** The solid line over the closed periods, and the dashed one to the running period. */
    sparkLines(card) {
        const points = this.sparkPoints(card).filter((point) => point.known);
        const closed = points.filter((point) => !point.partial);
        const running = points.filter((point) => point.partial);
        const solid = closed.map((point) => `${point.x},${point.y}`).join(" ");
        let dashed = "";
        if (running.length && closed.length) {
            dashed = [closed.at(-1), ...running].map((point) => `${point.x},${point.y}`).join(" ");
        }
        return { solid: closed.length > 1 ? solid : "", dashed };
    }

    hasSparkline(card) {
        return card.series.filter((value) => typeof value === "number").length >= 2;
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
