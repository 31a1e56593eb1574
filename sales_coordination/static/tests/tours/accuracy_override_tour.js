import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("sales_coordination_accuracy_override", {
    steps: () => [
        {
            content: "Confirm the blocked quotation",
            trigger: ".o_form_view button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The dialog lists the blocking issue",
            trigger: ".modal .o_field_widget[name='issue_ids'] .o_data_row:contains(street)",
        },
        {
            content: "Give the reason",
            trigger: ".modal div[name='reason'] textarea",
            run: "edit Customer collects at our dock",
        },
        {
            content: "Override and confirm in one step",
            trigger: ".modal button[name='action_override']:contains(Override and confirm)",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_statusbar_status button[data-value='sale'].o_arrow_button_current",
        },
        {
            content: "The badge shows the override",
            trigger: ".o_form_view .o_field_widget[name='accuracy_state'] :contains(Overridden)",
        },
    ],
});
