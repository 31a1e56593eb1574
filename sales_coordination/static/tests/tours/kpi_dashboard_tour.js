import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const { DateTime } = luxon;

function periodStart(period) {
    const today = DateTime.local();
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
            trigger: `.o_sc_kpi_period_label:contains(${periodStart(period)})`,
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
        ...cardsThenPeriodThenClick("quarter", "orders_confirmed"),
        {
            content: "The list is the card's",
            trigger: ".o_breadcrumb:contains(Orders Confirmed)",
        },
    ],
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
