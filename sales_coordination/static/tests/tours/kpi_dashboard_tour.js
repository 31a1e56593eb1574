import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const { DateTime } = luxon;

/**
 * Today as the server counts it for the dashboard: in the user's time zone
 * (the browser's may be another: at 23:30 UTC it is already tomorrow in
 * Brussels).
 */
function userToday() {
    return user.tz ? DateTime.now().setZone(user.tz) : DateTime.utc();
}

function periodStart(period) {
    const today = userToday();
    const month = period === "year" ? 1 : Math.floor((today.month - 1) / 3) * 3 + 1;
    return `${today.year}-${String(month).padStart(2, "0")}-01`;
}

function openMenu(section, item) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Coordination app",
            trigger: '.o_app[data-menu-xmlid="sales_coordination.menu_root"]',
            run: "click",
        },
        {
            content: "Open the workspace",
            trigger: `.o_menu_sections [data-menu-xmlid="sales_coordination.${section}"]`,
            run: "click",
        },
        {
            content: "Open the KPI dashboard",
            trigger: `.dropdown-item[data-menu-xmlid="sales_coordination.${item}"]`,
            run: "click",
        },
    ];
}

function cardsThenPeriodThenClick(period, cardKey) {
    return [
        {
            content: "The card grid shows the 13 KPIs",
            trigger: ".o_sc_kpi_cards .o_sc_kpi_card:nth-child(13)",
        },
        {
            content: "Each card has a value",
            trigger: ".o_sc_kpi_card[data-kpi=quotations] .o_sc_kpi_value",
        },
        {
            content: "Switch the period",
            trigger: "select.o_sc_kpi_period",
            run: `select ${period}`,
        },
        {
            content: "The cards are for the new period",
            trigger: `.o_sc_kpi_period_label[data-date-from="${periodStart(period)}"]`,
        },
        {
            content: "Open the records behind a card",
            trigger: `.o_sc_kpi_card[data-kpi=${cardKey}]`,
            run: "click",
        },
        {
            content: "Its records are listed",
            trigger: ".o_list_view",
        },
    ];
}

registry.category("web_tour.tours").add("sales_coordination_kpi_dashboard", {
    url: "/odoo",
    steps: () => [
        ...openMenu("menu_manager", "menu_manager_kpis"),
        {
            content: "A manager can filter by team",
            trigger: "select.o_sc_kpi_team",
        },
        {
            content: "The user filter lists the people who coordinate, not Odoo's demo user",
            trigger:
                "select.o_sc_kpi_user:not(:has(option:contains(Marc Demo)))",
        },
        ...cardsThenPeriodThenClick("quarter", "orders_confirmed"),
        {
            content: "The list is the card's",
            trigger: ".o_breadcrumb:contains(Orders Confirmed)",
        },
    ],
});

/**
 * The coordinator reads a card like for like: this month so far against the
 * same days of last month, the running month drawn apart on the sparkline
 * with a tooltip on each point, then opens the records behind the card.
 */
function previousMonthSameDays() {
    const today = userToday();
    const previousStart = today.startOf("month").minus({ months: 1 });
    const previousEnd = DateTime.min(
        previousStart.plus({ days: today.day - 1 }),
        previousStart.endOf("month")
    );
    return [previousStart.toISODate(), previousEnd.toISODate()];
}

registry.category("web_tour.tours").add("sales_coordination_kpi_like_for_like", {
    url: "/odoo",
    steps: () => {
        const [previousFrom, previousTo] = previousMonthSameDays();
        return [
            ...openMenu("menu_coordinator", "menu_coordinator_my_kpis"),
            {
                content: "This month so far, against the same days of last month",
                trigger: `.o_sc_kpi_period_label[data-date-from="${userToday()
                    .startOf("month")
                    .toISODate()}"][data-previous-from="${previousFrom}"][data-previous-to="${previousTo}"]`,
            },
            {
                content: "The running month is drawn apart on the sparkline",
                trigger:
                    ".o_sc_kpi_card[data-kpi=quotations] .o_sc_kpi_sparkline .o_sc_kpi_spark_partial",
            },
            {
                content: "Every point tells its period and value",
                trigger:
                    ".o_sc_kpi_card[data-kpi=quotations] .o_sc_kpi_spark_partial[aria-label*='so far']",
            },
            {
                content: "Open the quotations the card counts",
                trigger: ".o_sc_kpi_card[data-kpi=quotations]",
                run: "click",
            },
            {
                content: "The card's records are listed",
                trigger: ".o_list_view",
            },
            {
                content: "The list is the card's",
                trigger: ".o_breadcrumb:contains(Quotations)",
            },
        ];
    },
});

registry.category("web_tour.tours").add("sales_coordination_my_kpis", {
    url: "/odoo",
    steps: () => [
        ...openMenu("menu_coordinator", "menu_coordinator_my_kpis"),
        {
            content: "My KPIs: no team or user filter",
            trigger: ".o_sc_kpi_dashboard:not(:has(select.o_sc_kpi_team))",
        },
        ...cardsThenPeriodThenClick("year", "quotations"),
        {
            content: "The list is the card's",
            trigger: ".o_breadcrumb:contains(Quotations)",
        },
    ],
});
