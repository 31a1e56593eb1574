import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sales_coordination_kpi_dashboard", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Coordination app",
            trigger: '.o_app[data-menu-xmlid="sales_coordination.menu_root"]',
            run: "click",
        },
        {
            content: "Open the Manager workspace",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_coordination.menu_manager"]',
            run: "click",
        },
        {
            content: "Open the KPI dashboard",
            trigger: '.dropdown-item[data-menu-xmlid="sales_coordination.menu_manager_kpis"]',
            run: "click",
        },
        {
            content: "The KPI table is shown, with its 13 KPIs",
            trigger: ".o_field_one2many[name=line_ids] .o_data_row:nth-child(13)",
        },
        {
            content: "Quotations is the first KPI",
            trigger: ".o_field_one2many[name=line_ids] .o_data_row:first-child:contains(Quotations)",
        },
        {
            content: "Switch to the quarter",
            trigger: ".o_field_widget[name=period] input[data-value=quarter]",
            run: "click",
        },
        {
            content: "The table is still there for the quarter",
            trigger: ".o_field_one2many[name=line_ids] .o_data_row:contains(Fulfillment Rate)",
        },
        {
            content: "Refresh: the dashboard is saved and computed again",
            trigger: "button[name=action_refresh]",
            run: "click",
        },
        {
            content: "The saved dashboard shows the quarter's KPIs",
            trigger: "body:not(:has(.o_form_dirty)) .o_field_one2many[name=line_ids] .o_data_row:contains(New Clients)",
        },
    ],
});
