import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function openCoordinatorEntry(xmlid) {
    return [
        {
            content: "Open the coordinator workspace",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_coordination.menu_coordinator"]',
            run: "click",
        },
        {
            content: `Open ${xmlid}`,
            trigger: `.dropdown-item[data-menu-xmlid="${xmlid}"]`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("sales_coordination_followups_workspace", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Coordination app",
            trigger: '.o_app[data-menu-xmlid="sales_coordination.menu_root"]',
            run: "click",
        },
        ...openCoordinatorEntry("sales_coordination.menu_coordinator_followups"),
        {
            content: "My follow-ups, as a list",
            trigger: ".o_breadcrumb:contains(My Follow-ups)",
        },
        {
            content: "The follow-up is listed",
            trigger: ".o_list_view .o_data_row:contains(Tour quote)",
        },
        {
            content: "Switch to the kanban view",
            trigger: ".o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The kanban card is shown",
            trigger: ".o_kanban_view .o_kanban_record:contains(Tour quote)",
        },
        {
            content: "Switch to the calendar view",
            trigger: ".o_switch_view.o_calendar",
            run: "click",
        },
        {
            content: "The calendar is shown",
            trigger: ".o_calendar_view",
        },
        ...openCoordinatorEntry("sales_coordination.menu_coordinator_support_requests"),
        {
            content: "The request queue lists the open request",
            trigger: ".o_list_view .o_data_row td.o_data_cell:contains(Need a proposal)",
            run: "click",
        },
        {
            content: "Start the request",
            trigger: "button[name=action_start]",
            run: "click",
        },
        {
            content: "The request is in progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(In Progress)",
        },
        ...openCoordinatorEntry("sales_coordination.menu_coordinator_meetings"),
        {
            content: "Meetings: the past meeting without an outcome is listed",
            trigger: ".o_list_view .o_data_row:contains(Tour meeting)",
        },
    ],
});
